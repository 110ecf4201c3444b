// swift-tools-version:6.0
// The benchmark's bare twin: the same HTTP stack and PostgreSQL client as Porchlight, with none of
// its work. Built and started by scripts/benchmark/run; see main.swift.
import PackageDescription

let package = Package(
    name: "bare",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .executableTarget(
            name: "bare",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
