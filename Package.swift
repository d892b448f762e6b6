// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "Gloss",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "gloss", targets: ["gloss"])
  ],
  dependencies: [
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
  ],
  targets: [
    // Pure value types: dots, clocks, operations, registers, sets, records. No I/O.
    .target(
      name: "GlossCore",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]
    ),
    // Parsers that turn listing files into records, streaming.
    .target(name: "GlossImport", dependencies: ["GlossCore"]),
    // The bundle file format: header, compressed operation body, checksum, signatures.
    .target(
      name: "GlossBundle",
      dependencies: ["GlossCore", "CZlib", .product(name: "Crypto", package: "swift-crypto")]
    ),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // The SQLite store: schema, change log, applying operations, queries, sync.
    .target(
      name: "GlossStore",
      dependencies: [
        "GlossCore", "GlossBundle", .product(name: "GRDB", package: "GRDB.swift"),
        .product(name: "GRDBSQLite", package: "GRDB.swift"),
      ]
    ),
    // Records out: BibTeX, BibLaTeX, CSL-JSON, RIS, W3C annotations, Markdown.
    .target(name: "GlossExport", dependencies: ["GlossCore", "GlossImport", "GlossStore"]),
    // The one command layer that the CLI and the REPL both run.
    .target(
      name: "GlossCommands",
      dependencies: [
        "GlossCore", "GlossImport", "GlossStore", "GlossBundle", "GlossExport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "GRDB", package: "GRDB.swift"),
      ]
    ),
    .systemLibrary(
      name: "CLibedit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    // A non-variadic C face on libedit's histedit API (Swift cannot call el_set()).
    .target(name: "CLineEditor", dependencies: ["CLibedit"]),
    .target(name: "GlossREPL", dependencies: ["GlossCommands", "CLineEditor", "GlossStore", "GlossCore"]),
    .executableTarget(name: "gloss", dependencies: ["GlossCommands", "GlossREPL"]),
    // Every parser that takes hostile input, as a function of raw bytes (`Scripts/fuzz`).
    .target(
      name: "GlossFuzzTargets",
      dependencies: [
        "GlossCore", "GlossImport", "GlossStore", "GlossBundle",
      ]
    ),
    // libFuzzer's driver over them, or a replayer of saved inputs when built without it.
    .target(name: "CFuzzDriver"),
    .executableTarget(
      name: "gloss-fuzz", dependencies: ["GlossFuzzTargets", "CFuzzDriver"], path: "Sources/GlossFuzz"),
    .executableTarget(
      name: "gloss-bench",
      dependencies: [
        "GlossCore", "GlossImport", "GlossStore", "GlossCommands", "GlossBundle",
        .product(name: "GRDB", package: "GRDB.swift"),
      ],
      path: "Sources/GlossBench"
    ),
    .testTarget(
      name: "GlossCoreTests",
      dependencies: ["GlossCore", .product(name: "PropertyBased", package: "swift-property-based")]
    ),
    .testTarget(name: "GlossBundleTests", dependencies: ["GlossBundle", "GlossFuzzTargets"]),
    .testTarget(name: "GlossImportTests", dependencies: ["GlossImport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "GlossStoreTests",
      dependencies: [
        "GlossStore", "GlossImport", "GlossBundle",
        .product(name: "PropertyBased", package: "swift-property-based"),
      ]
    ),
    .testTarget(name: "GlossREPLTests", dependencies: ["GlossREPL", "GlossCommands", "GlossStore", "gloss"]),
    .testTarget(name: "GlossCommandsTests", dependencies: ["GlossCommands", "GlossCore", "gloss"]),
  ]
)
