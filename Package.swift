// swift-tools-version: 6.0
import PackageDescription

// Dependencies are chosen for CI cost: argument-parser and Yams build in seconds.
// Heavier ones (GRDB, Hummingbird, HdrHistogram) join with the issues that need them.
let package = Package(
    name: "capsim",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "capsim", targets: ["capsim"]),
        .library(name: "CapsimModel", targets: ["CapsimModel"]),
        .library(name: "Planning", targets: ["Planning"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CapsimModel", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "Planning", dependencies: ["CapsimModel"]),
        .target(name: "Reporting", dependencies: ["CapsimModel", "Planning"]),
        .executableTarget(name: "capsim", dependencies: [
            "CapsimModel", "Planning", "Reporting",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "CapsimModelTests", dependencies: ["CapsimModel"]),
        .testTarget(name: "PlanningTests", dependencies: ["Planning", "CapsimModel"]),
        .testTarget(name: "CLITests", dependencies: ["capsim"]),
    ]
)
