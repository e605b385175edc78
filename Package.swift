// swift-tools-version:6.0
// charvec: read, audit and repair word-embedding files; train a character-level
// model for out-of-vocabulary words; answer nearest-neighbour questions.
//
// Modules follow the architecture, dependencies run one way:
//   CharvecRuntime (Scalar, SplitMix64, threads, SourceLocation, C helpers) under everything
//   EmbeddingCore ← EmbeddingIO ← EmbeddingAudit
//   Tensor ← NeuralNet ← Training (also uses EmbeddingCore, EmbeddingIO)
//   EmbeddingCore + EmbeddingIO (its atomic writer) + Tensor (its BLAS) ← NeighborSearch
//   Each C module has one Swift owner: CSupport ← CharvecRuntime, CZlib ← EmbeddingIO,
//   CBLAS and CKernels ← Tensor (CKernels takes its CPU test from CSupport), CAuditKernels ← EmbeddingAudit.
//   charvec (CLI) uses all of them; only it prints or exits.
import PackageDescription

let package = Package(
    name: "charvec",
    products: [
        .executable(name: "charvec", targets: ["charvec"]),
        .library(name: "CharvecRuntime", targets: ["CharvecRuntime"]),
        .library(name: "EmbeddingCore", targets: ["EmbeddingCore"]),
        .library(name: "EmbeddingIO", targets: ["EmbeddingIO"]),
        .library(name: "EmbeddingAudit", targets: ["EmbeddingAudit"]),
        .library(name: "Tensor", targets: ["Tensor"]),
        .library(name: "NeuralNet", targets: ["NeuralNet"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "NeighborSearch", targets: ["NeighborSearch"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        // System libraries (Debian: zlib1g-dev, libopenblas-dev).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // Basics every module uses: the scalar type, the seeded generator, fork–join helpers, file
        // positions; it alone wraps the C helpers (mremap, interrupt-safe temporary files, prefetch,
        // CPU features). Each C module below has exactly one Swift owner, which wraps it for the others.
        .target(name: "CSupport"),
        .target(name: "CharvecRuntime", dependencies: ["CSupport"]),

        // Core table and file I/O.
        .target(name: "EmbeddingCore", dependencies: ["CharvecRuntime"]),
        .target(name: "EmbeddingIO", dependencies: ["EmbeddingCore", "CZlib"]),
        // The audit's AVX-512 and AVX2 row scans (its own C module: Tensor's kernels are no concern of the audit).
        .target(name: "CAuditKernels"),
        .target(name: "EmbeddingAudit", dependencies: ["EmbeddingCore", "EmbeddingIO", "CAuditKernels"]),

        // Numerics and the neural network.
        // AVX-512 and AVX2 kernels, chosen at run time (C can target an ISA per function; Swift
        // cannot); only Tensor imports them.
        .target(name: "CKernels", dependencies: ["CSupport"]),
        .target(name: "Tensor", dependencies: ["CharvecRuntime", "CBLAS", "CKernels"]),
        .target(name: "NeuralNet", dependencies: ["Tensor", "EmbeddingCore"]),

        // Training loop, model files, checkpoints.
        .target(name: "Training", dependencies: ["NeuralNet", "EmbeddingCore", "EmbeddingIO"]),

        // Nearest-neighbour search (its blocked sgemm through Tensor's BLAS, its row scan in CKernels).
        .target(name: "NeighborSearch", dependencies: ["EmbeddingCore", "EmbeddingIO", "Tensor", "CKernels"]),

        // Shared test helpers (gradient checks, fixtures, the CLI runner and golden-output checks).
        .target(name: "TestSupport", dependencies: [
            "EmbeddingCore",
            .product(name: "RealModule", package: "swift-numerics"),
        ]),

        // The bundled sample (data/) as SwiftPM resources: the build copies the two files into
        // charvec_BundledData.resources next to the binary, so `charvec demo` runs from any directory.
        .target(name: "BundledData", path: "data", exclude: ["README.md"], sources: ["BundledData.swift"],
                resources: [.copy("en-2k-384d.vec.gz"), .copy("planted-defects.vec")]),

        // The command-line tool.
        .executableTarget(name: "charvec", dependencies: [
            "BundledData", "CharvecRuntime", "EmbeddingCore", "EmbeddingIO", "EmbeddingAudit", "Tensor", "NeuralNet", "Training", "NeighborSearch",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Neural-core throughput benchmark (tools/bench-neural/run.sh compares it with PyTorch).
        .executableTarget(name: "neural-bench", dependencies: ["NeuralNet", "Tensor"], path: "tools/bench-neural/Sources"),

        // Nearest-neighbour benchmark (run with tools/bench-search/run.sh, release only).
        .executableTarget(name: "search-bench", dependencies: ["NeighborSearch", "EmbeddingCore", "Tensor"],
                          path: "tools/bench-search/Sources"),

        .testTarget(name: "EmbeddingCoreTests", dependencies: ["EmbeddingCore", "TestSupport"]),
        .testTarget(name: "EmbeddingIOTests", dependencies: ["EmbeddingIO", "TestSupport"]),
        .testTarget(name: "EmbeddingAuditTests", dependencies: ["EmbeddingAudit", "EmbeddingIO", "TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Tensor", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "EmbeddingIO", "TestSupport"]),
        .testTarget(name: "NeighborSearchTests", dependencies: ["NeighborSearch", "EmbeddingCore", "EmbeddingIO", "TestSupport"]),
        .testTarget(name: "CharVecEndToEndTests", dependencies: ["charvec", "EmbeddingIO", "Training", "TestSupport"]),
    ]
)
