import Crypto
import Foundation
@testable import PorchlightStore
import Testing

/// Migrations are numbered 1, 2, 3… with nothing missing or repeated, one zero-padded file each,
/// and a migration that has landed never changes: databases that applied it would differ from
/// new ones. Its checksum is kept here; a change to the schema is a new migration.
@Suite struct MigrationTests {
    /// SHA-256 of each landed migration's name and statements (`checksum(of:)`), by version.
    static let landed: [Int: String] = [
        1: "646d87bb6826f925cf7c76aeb6b3bad8ee4fec4f21c7f9e28ea31bfc074827b9",
        2: "b89d444822cf661f77a2325c3c4dd9bc21b59369de42833836c1d93ee38db194",
        3: "3c54cf5ac15f836cf547b6d9050b20caa8ef33641c89ac8a5a10c188ae47e83a",
        4: "675137a9634a245b1e85acf0b7ff93d171d7cda5c6bddf083eaa27ba2c856d7e",
        5: "2f50400744ceb0cd4c9a27c9301804141cd5cd6ac8339119d23174eeab20cf74",
        6: "6656a8b4685d88c73c733a6870debaff4a9f279931a8ed46e7123836cbe6ede0",
        7: "db4658809c3cefd035acef2d98cbe512427958d03bef60205cf0093dc8e5d1fd",
        8: "9e5c5ece2d62d2fffcea9b208a6e7c6e484d198ef7aec13ce4c2d1df739483ff",
        9: "b66ea7b15b9807445ca1b3eaf2b8563ab22d07ba2ab148c9e96a2ced90b348d6",
        10: "84e7a2c692cfd17eff22305d77ea535ae76c020d1bc3a9049a77eefa073bef0c",
        11: "e0d96e747952536ed832c2566022b1f6efc95c7ab9e6241cdb5f3afb300ba8a9",
        12: "b38344c45777813d194297a115a4696cd7f493f9473fb658dae70a6cc6c35ebf",
        13: "f46c7d3555ba718f24e9f9071219a5084179867457df2f87f757e311bd3995e7",
        14: "9c22efa18511c5866d95d750b827476dc5220e53c6eba21b9e7fabdc99b3418a",
        15: "cc9a9f52466e54335f468c180cf6ef233b89117c24901914d8bb141c462e2bd9",
        16: "bba2c470ab65014dd53588d86417518dd3a705ceb03c3b7c7f317c740ffa5fd6",
        17: "3b5fd6b393dcdf7fde9ef48cfb59068af63e621eb0d1d957e9567af7d22ab8d7",
        18: "b699e2c60021f48cc1fe4ca3475b342be52180470d39fd2ccc30acf4d1a3909f",
        19: "78ddef3cb82426475085e4c7a219605c4ec346b40ea16ff291c436d20b071607",
        20: "818a52cf898fb9ccc69d44b6157dcf67e363c675d301411abdc8e1cbc61ced6c",
        21: "2513d6f9aa2d6d905c09c670ab3e2211987d01cdecfb46e686dd38bc37701d7d",
        22: "10b628e774624f688b122311693f9e8fe18c966524945e4c1bf6576c112ad90b",
        23: "f2ad2d3500d5b81ea11db4f4306883a8e07165f3b49f3adf06c65f37c740f7a3",
        24: "e9abca69c56ef6b7b6d465bdf3db176f7cf9b8e5574a2e83cd2254c27c6ff200",
        25: "ad1043b6da275202e5cabb214ef0f4a589023c50b9f82ff0433f9064c140c4bd",
        26: "dd498a5be50679fffea1fbb91ba2b6feca61e4063e852510e17dae4cc4ba7d75",
        27: "573a676115b6231ee9ee0dce7150ee3f859bfd5861f754b83963f78cca1d28ea",
        28: "12b54b18a901f3d9124699b2cc7c19fd7657e07d3cb2343e708489ee91d5fdf8",
        29: "5cfa17380de6d77b3e3a902180022073aee68a75972de69d65fe59bfa1033e8a",
    ]

    static func checksum(of migration: Migration) -> String {
        let text = ([migration.name] + migration.statements).joined(separator: "\n;\n")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test func versionsAreOneTwoThreeInOrderWithAZeroPaddedFileEach() throws {
        let versions = Schema.migrations.map(\.version)
        #expect(versions.count >= 26)
        #expect(versions == Array(1...versions.count), "versions must run 1, 2, 3… in the list's order")
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/PorchlightStore/Database")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.wholeMatch(of: /Migration\d+\.swift/) != nil }
        #expect(files.sorted() == versions.map { String(format: "Migration%02d.swift", $0) }, "one file per version, named so they sort")
    }

    @Test func aLandedMigrationNeverChanges() {
        #expect(Schema.migrations.count >= Self.landed.count && !Self.landed.isEmpty)
        var unrecorded: [String] = []
        for migration in Schema.migrations {
            let checksum = Self.checksum(of: migration)
            guard let landed = Self.landed[migration.version] else {
                unrecorded.append("\(migration.version): \"\(checksum)\",")
                continue
            }
            #expect(checksum == landed, "migration \(migration.version) (\(migration.name)) changed after it landed: add a new migration instead")
        }
        #expect(unrecorded.isEmpty, "record each new migration's checksum in MigrationTests.landed:\n\(unrecorded.joined(separator: "\n"))")
        #expect(Set(Self.landed.keys).isSubset(of: Set(Schema.migrations.map(\.version))), "a landed migration is never removed")
    }
}
