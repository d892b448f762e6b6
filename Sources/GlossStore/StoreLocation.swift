import Foundation

/// Where the store lives: `--store PATH`, else `$GLOSS_STORE`, else
/// `$XDG_DATA_HOME/gloss/store.sqlite` (`~/.local/share/gloss/store.sqlite`).
public enum StoreLocation {
  public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
    -> String
  {
    if let explicit, !explicit.isEmpty { return explicit }
    if let path = environment["GLOSS_STORE"], !path.isEmpty { return path }
    let dataHome =
      environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
      ?? ((environment["HOME"] ?? NSHomeDirectory()) + "/.local/share")
    return dataHome + "/gloss/store.sqlite"
  }
}
