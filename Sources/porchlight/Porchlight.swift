import ArgumentParser
import Foundation
import Logging
import PorchlightServer

@main
struct Porchlight: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Porchlight, the post-purchase API.",
        subcommands: [Serve.self, Migrate.self, MerchantCommand.self, KeyCommand.self, Demo.self, Backtest.self, Detect.self, Purge.self]
    )
}

/// Reads the environment once; a bad or missing setting ends the command with every problem named.
func loadConfiguration() throws -> AppConfiguration {
    do {
        return try AppConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
    } catch {
        FileHandle.standardError.write(Data("\(error)\n".utf8))
        throw ExitCode.failure
    }
}

/// Logs go to stderr, so commands that print JSON keep stdout clean.
func makeLogger(_ configuration: AppConfiguration) -> Logger {
    LoggingSystem.bootstrap { label in
        var handler = LineLogHandler.standardError(label: label, format: configuration.logFormat)
        handler.logLevel = configuration.logLevel
        return handler
    }
    return Logger(label: "porchlight")
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API (reads DATABASE_URL, DATABASE_POOL_SIZE, HOST, PORT, LOG_LEVEL, LOG_FORMAT, WEBHOOKS_ALLOW_LOOPBACK, CLIENT_ADDRESS_HEADER, REPLICAS); migrates first.")

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        try await runServer(configuration: configuration, logger: logger)
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations (reads DATABASE_URL, and DISTRIBUTED=citus on a Citus coordinator).")

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        try await withDatabase(url: configuration.databaseURL, logger: logger) { client in
            try await migrate(client: client, distribution: configuration.distribution, logger: logger)
        }
    }
}

struct Detect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check every merchant's orders for disruptions now, as the service does every five minutes (reads DATABASE_URL).")

    func run() async throws {
        let configuration = try loadConfiguration()
        let (checked, changed, seconds) = try await detectDisruptions(databaseURL: configuration.databaseURL, logger: makeLogger(configuration))
        print(#"{"checked":\#(checked),"changed":\#(changed),"seconds":\#((seconds * 1000).rounded() / 1000)}"#)
    }
}

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete what is kept only for a while (old feed events, ended webhook deliveries, expired keys and tokens) now, as the service does every ten minutes; prints one JSON line per purge (reads DATABASE_URL).")

    func run() async throws {
        let configuration = try loadConfiguration()
        var failed = false
        for (name, rows, seconds) in try await purgeExpired(databaseURL: configuration.databaseURL, logger: makeLogger(configuration)) {
            print(#"{"purge":"\#(name)","rows":\#(rows.map(String.init) ?? "null"),"seconds":\#((seconds * 1000).rounded() / 1000)}"#)
            failed = failed || rows == nil
        }
        if failed { throw ExitCode.failure }
    }
}

struct MerchantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merchant", abstract: "Manage merchants.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a merchant with an all-scopes API key; prints {\"merchant_id\", \"api_key\"} as JSON.")

        @Option(help: "The merchant's name.")
        var name: String

        func validate() throws {
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 200 else {
                throw ValidationError("--name must be 1 to 200 characters")
            }
        }

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = makeLogger(configuration)
            let name = self.name
            let created = try await withDatabase(url: configuration.databaseURL, logger: logger) { client in
                try await createMerchant(name: name, client: client, logger: logger)
            }
            let json = try JSONSerialization.data(
                withJSONObject: ["merchant_id": created.merchantID, "api_key": created.apiKey], options: [.sortedKeys])
            print(String(decoding: json, as: UTF8.self))
        }
    }
}

struct KeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Manage a merchant's API keys (as /v1/api-keys does); prints JSON.",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Merchant: ParsableArguments {
        @Option(name: .customLong("merchant-id"), help: "The merchant whose keys these are.")
        var merchantID: String

        func validate() throws {
            guard UUID(uuidString: merchantID) != nil else { throw ValidationError("--merchant-id must be a UUID") }
        }

        var id: UUID { UUID(uuidString: merchantID)! }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; the key is printed once, with its id.")

        @OptionGroup var merchant: Merchant
        @Option(help: "What the key is for.") var name: String
        @Option(help: "Comma-separated scopes, e.g. orders:read,orders:lookup.") var scopes: String

        func validate() throws {
            guard (1...100).contains(name.count), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--name must be 1 to 100 characters")
            }
            let unknown = scopes.split(separator: ",").map(String.init).filter { !KeyCommands.scopes.contains($0) }
            guard unknown.isEmpty, !scopes.isEmpty else {
                throw ValidationError("--scopes must list scopes from \(KeyCommands.scopes.joined(separator: ", ")); unknown: \(unknown.joined(separator: ", "))")
            }
        }

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = makeLogger(configuration)
            let (merchant, name, scopes) = (self.merchant.id, self.name, self.scopes.split(separator: ",").map(String.init))
            print(try await withDatabase(url: configuration.databaseURL, logger: logger) { client in
                try await KeyCommands.create(merchant: merchant, name: name, scopes: scopes, client: client, logger: logger)
            })
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the merchant's keys (never the keys themselves).")

        @OptionGroup var merchant: Merchant

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = makeLogger(configuration)
            let merchant = self.merchant.id
            print(try await withDatabase(url: configuration.databaseURL, logger: logger) { client in
                try await KeyCommands.list(merchant: merchant, client: client, logger: logger)
            })
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; it stops working within 10 seconds.")

        @OptionGroup var merchant: Merchant
        @Option(name: .customLong("key-id"), help: "The key's id (from create or list).") var keyID: String

        func validate() throws {
            guard UUID(uuidString: keyID) != nil else { throw ValidationError("--key-id must be a UUID") }
        }

        func run() async throws {
            let configuration = try loadConfiguration()
            let logger = makeLogger(configuration)
            let (merchant, key) = (self.merchant.id, UUID(uuidString: keyID)!)
            print(try await withDatabase(url: configuration.databaseURL, logger: logger) { client in
                try await KeyCommands.revoke(merchant: merchant, key: key, client: client, logger: logger)
            })
        }
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load demo orders in a spread of states for a merchant (idempotent).")

    @Option(name: .customLong("merchant-id"), help: "The merchant to load orders for.")
    var merchantID: String

    @Option(help: "How many demo orders.")
    var orders: Int = 300

    @Option(help: "A review file (score, title, message columns, e.g. datasets/olist/reviews.csv): each delivered demo order gets a published review from it.")
    var reviews: String?

    func validate() throws {
        guard UUID(uuidString: merchantID) != nil else { throw ValidationError("--merchant-id must be a UUID") }
        guard (1...100_000).contains(orders) else { throw ValidationError("--orders must be 1 to 100000") }
    }

    func run() async throws {
        let configuration = try loadConfiguration()
        let logger = makeLogger(configuration)
        let merchant = UUID(uuidString: merchantID)!
        let count = orders
        let demoReviews = try reviews.map { DemoReview.parse(csv: try String(contentsOfFile: $0, encoding: .utf8)) } ?? []
        if reviews != nil && demoReviews.isEmpty { throw ValidationError("--reviews: no reviews read (the file needs score, title and message columns)") }
        try await withDatabase(url: configuration.databaseURL, logger: logger) { client in
            try await loadDemoOrders(count: count, reviews: demoReviews, merchant: merchant, client: client, logger: logger)
        }
        FileHandle.standardError.write(Data("loaded \(count) demo orders\n".utf8))
    }
}
