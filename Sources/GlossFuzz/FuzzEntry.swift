import CFuzzDriver
import Foundation
import GlossFuzzTargets

/// Which target this process fuzzes: `GLOSS_FUZZ_TARGET` (libFuzzer owns the command line).
let fuzzTarget: FuzzTarget = {
  let name = ProcessInfo.processInfo.environment["GLOSS_FUZZ_TARGET"] ?? ""
  guard let target = FuzzTarget(rawValue: name) else {
    fatalError("set GLOSS_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
  }
  return target
}()

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
  fuzzTarget.run(bytes)
  return 0
}

#if GLOSS_FUZZ
  /// Built with `-sanitize=fuzzer -DGLOSS_FUZZ` (`Scripts/fuzz`): SwiftPM links the
  /// executable's `main` to this, which runs libFuzzer's driver with the command line.
  @_cdecl("gloss_fuzz_main")
  public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
  }
#else
  /// Without libFuzzer: `gloss-fuzz TARGET FILE…` runs files through a target once, to
  /// replay a crash that the fuzzer saved.
  @main struct FuzzReplay {
    static func main() {
      let arguments = CommandLine.arguments.dropFirst()
      guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
        print("usage: gloss-fuzz TARGET FILE… (targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: " ")))")
        exit(2)
      }
      for path in arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else { fatalError("cannot read \(path)") }
        target.run([UInt8](data))
        print("ok \(path)")
      }
    }
  }
#endif
