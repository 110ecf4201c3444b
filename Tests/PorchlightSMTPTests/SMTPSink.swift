import Foundation
import NIOCore
import NIOPosix

/// scripts/lib/smtp_sink.py run as a child process for one test, on ports it picks itself (port 0) and
/// reports in its ready line, so parallel tests never race for a port.
final class SMTPSink {
    /// What the sink wrote for one accepted message, as parsed by Python's email package.
    struct ReceivedMessage: Decodable {
        var mailFrom: String
        var rcptTos: [String]
        var peer: String
        var tls: Bool
        var authLogin: String?
        var subject: String?
        var fromName: String?
        var fromAddress: String?
        var toName: String?
        var toAddress: String?
        var messageId: String?
        var headers: [String: [String]]
        var text: String?
        var html: String?
        var mailOptions: [String]
    }

    let directory: URL
    let messageDirectory: URL
    private(set) var ports: [String: Int] = [:]
    private let process = Process()
    private let stdoutFile: URL
    private let stderrFile: URL

    static let repositoryRoot: URL = {
        // The test file may be reached through a symlink (a scratch package); the repository is where it really is.
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }()

    /// Starts the sink and waits (without blocking a thread) for its ready line.
    static func start(modes: [String], options: [String] = []) async throws -> SMTPSink {
        let sink = try SMTPSink(modes: modes, options: options)
        do {
            try await sink.waitUntilReady(modes: modes)
            return sink
        } catch {
            sink.stop()
            throw error
        }
    }

    private init(modes: [String], options: [String]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        messageDirectory = directory.appendingPathComponent("messages")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = Self.repositoryRoot.appendingPathComponent("scripts/lib/smtp_sink.py").path
        stdoutFile = directory.appendingPathComponent("stdout")
        stderrFile = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)

        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--dir", messageDirectory.path]
            + modes.flatMap { ["--listen", "\($0):0"] } + options
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    private func waitUntilReady(modes: [String]) async throws {
        // Wait for "smtp sink ready MODE:PORT ..." (python and aiosmtpd take a moment to load).
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let output = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("smtp sink ready") }) {
                for item in line.split(separator: " ").dropFirst(3) {
                    let parts = item.split(separator: ":")
                    if parts.count == 2, let port = Int(parts[1]) { ports[String(parts[0])] = port }
                }
                if Set(ports.keys) == Set(modes) { return }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let errors = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        throw SinkError(message: "smtp_sink.py did not get ready: \(errors)")
    }

    func port(_ mode: String) -> Int { ports[mode] ?? 0 }

    /// SIGTERM to the child this test started; SIGKILL if it has not gone within five seconds.
    func stop() {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    func receivedMessages() throws -> [ReceivedMessage] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: messageDirectory.path)) ?? []
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
            try decoder.decode(ReceivedMessage.self, from: Data(contentsOf: messageDirectory.appendingPathComponent(name)))
        }
    }

    /// The raw .eml files as received.
    func rawMessages() throws -> [Data] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: messageDirectory.path)) ?? []
        return try names.filter { $0.hasSuffix(".eml") }.sorted().map {
            try Data(contentsOf: messageDirectory.appendingPathComponent($0))
        }
    }

    struct SinkError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}

/// A self-signed certificate for localhost and 127.0.0.1: from SMTP_TEST_TLS_DIR when the test script made
/// one, else made with openssl and kept for a day in the temporary directory, so runs do not pile up copies.
enum TestCertificate {
    static let directory: Result<URL, any Error> = Result {
        if let given = ProcessInfo.processInfo.environment["SMTP_TEST_TLS_DIR"], !given.isEmpty {
            return URL(fileURLWithPath: given)
        }
        let files = FileManager.default
        let kept = files.temporaryDirectory.appendingPathComponent("porchlight-smtp-test-tls")
        let keptCertificate = kept.appendingPathComponent("server.crt").path
        if let made = (try? files.attributesOfItem(atPath: keptCertificate))?[.modificationDate] as? Date,
            made.timeIntervalSinceNow > -86_400, files.fileExists(atPath: kept.appendingPathComponent("server.key").path)
        {
            return kept
        }
        let fresh = files.temporaryDirectory.appendingPathComponent("porchlight-smtp-test-tls-\(UUID().uuidString)")
        try files.createDirectory(at: fresh, withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout", fresh.appendingPathComponent("server.key").path,
            "-out", fresh.appendingPathComponent("server.crt").path,
        ]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        guard openssl.terminationStatus == 0 else {
            throw SMTPSink.SinkError(message: "openssl could not make a test certificate")
        }
        // Swap it in whole; if another test process got there first, use this copy.
        try? files.removeItem(at: kept)
        return (try? files.moveItem(at: fresh, to: kept)) != nil ? kept : fresh
    }

    static func paths() throws -> (certificate: String, key: String) {
        let directory = try directory.get()
        return (directory.appendingPathComponent("server.crt").path, directory.appendingPathComponent("server.key").path)
    }
}

/// A port nothing listens on: bound for a moment, then released.
func closedLocalPort() async throws -> Int {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        .bind(host: "127.0.0.1", port: 0).get()
    let port = channel.localAddress?.port ?? 0
    try await channel.close()
    return port
}
