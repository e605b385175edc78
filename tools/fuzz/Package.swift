// swift-tools-version:6.0
// libFuzzer targets for charvec's readers. Kept out of the root package: these executables
// only link with `-sanitize=fuzzer`, and `swift build` / `swift test` there must not need it.
// Build and run one with `tools/fuzz/run.sh TARGET SECONDS` (see docs/fuzzing.md).
import PackageDescription

let package = Package(
    name: "charvec-fuzz",
    dependencies: [
        // `name:` keeps `.product(package:)` independent of the checkout's directory name.
        .package(name: "charvec", path: "../.."),
    ],
    targets: [
        // zlib for the gzip target (the root package's CZlib is not a product).
        .systemLibrary(name: "CFuzzZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "FuzzSupport", dependencies: ["CFuzzZlib"]),
        .executableTarget(name: "FuzzText", dependencies: [
            "FuzzSupport",
            .product(name: "EmbeddingIO", package: "charvec"),
            .product(name: "EmbeddingAudit", package: "charvec"),
        ]),
        .executableTarget(name: "FuzzBinary", dependencies: [
            "FuzzSupport",
            .product(name: "EmbeddingIO", package: "charvec"),
            .product(name: "EmbeddingAudit", package: "charvec"),
        ]),
        .executableTarget(name: "FuzzGzip", dependencies: [
            "FuzzSupport",
            .product(name: "EmbeddingIO", package: "charvec"),
        ]),
        .executableTarget(name: "FuzzArray", dependencies: [
            "FuzzSupport",
            .product(name: "EmbeddingIO", package: "charvec"),
        ]),
        .executableTarget(name: "FuzzEval", dependencies: [
            "FuzzSupport",
            .product(name: "NeighborSearch", package: "charvec"),
        ]),
        .executableTarget(name: "FuzzIndex", dependencies: [
            "FuzzSupport",
            .product(name: "NeighborSearch", package: "charvec"),
        ]),
        .executableTarget(name: "FuzzStdin", dependencies: [
            .product(name: "NeighborSearch", package: "charvec"),
        ]),
        .executableTarget(name: "FuzzModel", dependencies: [
            "FuzzSupport",
            .product(name: "Training", package: "charvec"),
        ]),
    ]
)
