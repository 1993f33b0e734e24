// swift-tools-version:6.1
// CapPlan: capacity planning for AI infrastructure, solved with GLPK.
// Layers: CGLPK (system library) -> GLPKGuard (C shim: error hook and setjmp)
// -> LinearProgramming (typed LP/MIP layer) -> CapPlanKit (planning domain; reads YAML through
// CLibYAML, a system library) -> capplan.
import PackageDescription

let package = Package(
    name: "CapPlan",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "capplan", targets: ["capplan"]),
        .executable(name: "capplan-fuzz", targets: ["capplan-fuzz"]),
        .library(name: "LinearProgramming", targets: ["LinearProgramming"]),
        .library(name: "CapPlanKit", targets: ["CapPlanKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Debian ships no glpk.pc, so no pkgConfig: headers in /usr/include, link "glpk".
        .systemLibrary(
            name: "CGLPK",
            providers: [.apt(["libglpk-dev"])]
        ),
        // libyaml's event parser, read directly so aliases and anchors are refused before any
        // node is built. Debian ships yaml-0.1.pc, but the header and library are on the
        // default paths, so the module map's `link "yaml"` is all that is needed.
        .systemLibrary(
            name: "CLibYAML",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(
            name: "GLPKGuard",
            dependencies: ["CGLPK"],
            // C includes <glpk.h> directly, so the module map's `link` does not reach it.
            linkerSettings: [.linkedLibrary("glpk")]
        ),
        .target(
            name: "LinearProgramming",
            dependencies: ["CGLPK", "GLPKGuard"]
        ),
        .target(
            name: "CapPlanKit",
            dependencies: [
                "LinearProgramming",
                "CLibYAML",
            ]
        ),
        .executableTarget(
            name: "capplan",
            dependencies: [
                "CapPlanKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The scenario fuzzer (docs/input-limits.md): a library the tests run briefly, and
        // an executable for the long runs.
        .target(
            name: "ScenarioFuzzing",
            dependencies: ["CapPlanKit"]
        ),
        .executableTarget(
            name: "capplan-fuzz",
            dependencies: ["CapPlanKit", "ScenarioFuzzing"]
        ),
        // libFuzzer runs only in a build of this product with `-Xswiftc -sanitize=fuzzer`;
        // an ordinary build links and says so. See docs/input-limits.md.
        .target(name: "LibFuzzerDriver"),
        .executableTarget(
            name: "capplan-libfuzzer",
            dependencies: ["CapPlanKit", "ScenarioFuzzing", "LibFuzzerDriver"]
        ),
        // What more than one test target needs: the JSON Schema check through Python's jsonschema.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "LinearProgrammingTests",
            dependencies: ["LinearProgramming", "GLPKGuard", "CGLPK"]
        ),
        .testTarget(
            name: "CapPlanKitTests",
            dependencies: ["CapPlanKit", "ScenarioFuzzing", "TestSupport"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "CapPlanCLITests",
            // The tests run the built `capplan` binary end to end.
            dependencies: ["CapPlanKit", "capplan", "TestSupport"]
        ),
    ]
)
