import Foundation

/// One updating line on standard error for work that takes more than about a second:
/// items done, rate, and time left. Silent when standard error is not a terminal or the
/// command prints JSON, so scripts and pipes never see it.
public final class ProgressLine {
  private let enabled: Bool
  private let noun: String
  private let start = Date()
  private var lastDraw = Date.distantPast
  private var drawn = false

  public init(noun: String, enabled: Bool) {
    self.noun = noun
    self.enabled = enabled && Terminal.isTerminal(STDERR_FILENO)
  }

  /// `fraction` is how much of the whole is done (0...1), when known.
  public func update(done: Int, fraction: Double?) {
    guard enabled else { return }
    let now = Date()
    let elapsed = now.timeIntervalSince(start)
    guard elapsed >= 1, now.timeIntervalSince(lastDraw) >= 0.1 else { return }
    lastDraw = now
    let rate = Double(done) / elapsed
    var text = "\(done.formatted()) \(noun) · \(Int(rate).formatted())/s"
    if let fraction, fraction > 0.001 {
      let left = elapsed * (1 - fraction) / fraction
      text += " · \(Int(fraction * 100))% · \(Self.duration(left)) left"
    }
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    drawn = true
  }

  public func finish() {
    guard drawn else { return }
    FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    drawn = false
  }

  static func duration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded())
    return whole >= 60 ? "\(whole / 60)m\(String(format: "%02d", whole % 60))s" : "\(whole)s"
  }
}
