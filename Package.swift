// swift-tools-version: 6.0
import PackageDescription

// Dependencies are chosen for CI cost: argument-parser, Yams and hdrhistogram-swift (with
// swift-numerics) build in seconds. Heavier ones (GRDB, Hummingbird) join with the issues
// that need them.
let package = Package(
    name: "capsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "capsim", targets: ["capsim"]),
        .library(name: "CapsimModel", targets: ["CapsimModel"]),
        .library(name: "Planning", targets: ["Planning"]),
        .library(name: "Autoscaling", targets: ["Autoscaling"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "EthiopianCalendar", targets: ["EthiopianCalendar"]),
        .library(name: "Decisions", targets: ["Decisions"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // The results store: real SQLite through GRDB (≈ 40 s of a cold build; needs libsqlite3-dev).
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The real service core (issue 7): Hummingbird 2 over SwiftNIO, about 60 s of a cold build.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    ],
    targets: [
        .target(name: "CapsimModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Planning", dependencies: ["CapsimModel", "EthiopianCalendar"]),
        .target(name: "Autoscaling", dependencies: ["CapsimModel"]),
        .target(name: "Simulation", dependencies: [
            "CapsimModel", "Autoscaling", "EthiopianCalendar", .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], swiftSettings: [
            // -O even in debug builds: the queueing-theory tests simulate millions of customers,
            // which take minutes unoptimised and seconds optimised.
            // The engine's state lives in two final classes mutated only from its single-threaded
            // loop; run-time exclusivity checks on their properties cost a third of each event
            // (measured with perf: swift_beginAccess/AccessSet::insert). Static checks stay on.
            .unsafeFlags(["-O", "-enforce-exclusivity=unchecked"]),
        ]),
        .target(name: "Reporting", dependencies: [
            "CapsimModel", "Planning", "Simulation", "PlanVerification", "Autoscaling", "LoadGen", "Calibration", "Decisions",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .target(name: "Checks", dependencies: ["CapsimModel", "Simulation"]),
        /// Decisions over many runs: sweeps (grids of scenario values, run with common random
        /// numbers, sharded across processes), and the searches built on them.
        .target(name: "Decisions", dependencies: ["CapsimModel", "Simulation", "Checks", "Store"]),
        /// `plan --verify`: the plan's horizons replayed by the simulator (the one module that
        /// needs both engines, so neither depends on the other).
        .target(name: "PlanVerification", dependencies: ["CapsimModel", "Planning", "Simulation"]),
        /// SHA-256 for the store's scenario fingerprints and the service core's HMAC/PBKDF2.
        .target(name: "Hashing"),
        .target(name: "ServiceCore", dependencies: [
            "Hashing",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),
        .target(name: "Calibration", dependencies: ["CapsimModel", "Simulation", "LoadGen"]),
        .target(name: "LoadGen", dependencies: [
            "CapsimModel", "Simulation",
            .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ]),
        .target(name: "Store", dependencies: [
            "CapsimModel", "Planning", "Simulation", "LoadGen", "Calibration", "Hashing", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .target(name: "EthiopianCalendar"),
        .executableTarget(name: "capsim", dependencies: [
            "CapsimModel", "Planning", "PlanVerification", "Reporting", "Simulation", "Autoscaling", "Store", "Checks", "EthiopianCalendar",
            "ServiceCore", "LoadGen", "Calibration", "Decisions",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "CapsimModelTests", dependencies: ["CapsimModel"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "CapsimModel"]),
        .testTarget(name: "AutoscalingTests", dependencies: ["Autoscaling", "CapsimModel"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Autoscaling", "CapsimModel", "Planning", "Reporting"]),
        .testTarget(name: "StoreTests", dependencies: [
            "Store", "Simulation", "Planning", "CapsimModel", "LoadGen", "Calibration", .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ]),
        .testTarget(name: "ReportingTests", dependencies: ["Reporting", "Simulation", "Planning", "CapsimModel", "Autoscaling", "LoadGen", "Calibration"]),
        .testTarget(name: "ChecksTests", dependencies: ["Checks", "Simulation", "CapsimModel"]),
        .testTarget(name: "DecisionsTests", dependencies: ["Decisions", "Store", "Simulation", "CapsimModel", "Reporting"]),
        .testTarget(name: "PlanVerificationTests", dependencies: ["PlanVerification", "Planning", "Simulation", "CapsimModel", "Reporting"]),
        .testTarget(name: "ServiceCoreTests", dependencies: [
            "ServiceCore", "LoadGen", "Calibration", .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Simulation", "CapsimModel", "LoadGen"]),
        .testTarget(name: "LoadGenTests", dependencies: [
            "LoadGen", "CapsimModel", "Simulation", .product(name: "Histogram", package: "hdrhistogram-swift"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "CLITests", dependencies: ["capsim", "Store", "Calibration", "Reporting", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "EthiopianCalendarTests", dependencies: ["EthiopianCalendar"]),
    ]
)
