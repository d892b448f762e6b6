import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Where a store file lives, as recorded in its `meta` table to tell a copy at opening
/// (`Store.checkLocation`): the machine, the file's inode, and the machine's network
/// hardware.
///
/// The machine id (`/etc/machine-id`, else the host name) and the inode tell a copy made
/// with `cp` or restored from a backup. A disk cloned whole onto a new laptop, or a virtual
/// machine cloned, keeps both: what changes is the hardware, of which the permanent
/// addresses of the physical network interfaces are what any user can read. They are a
/// weaker sign than the other two, so only a complete change counts: a store whose machine
/// gained or lost an interface (a dock, a USB adapter) still shares one with what it
/// recorded, and a machine without any (a container) gives no sign either way.
struct FileLocation: Equatable {
  let machine: String
  let inode: UInt64
  /// Permanent hardware addresses, lowercase `aa:bb:cc:dd:ee:ff`.
  let hardware: Set<String>

  init(machine: String, inode: UInt64, hardware: Set<String>) {
    self.machine = machine
    self.inode = inode
    self.hardware = hardware
  }

  /// Parses `MACHINE:INODE`, then, when there is hardware, a space and the addresses
  /// joined by commas (what earlier versions recorded had no hardware part).
  init?(recorded: String) {
    let parts = recorded.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
    guard let place = parts.first, let colon = place.lastIndex(of: ":"),
      let inode = UInt64(place[place.index(after: colon)...])
    else { return nil }
    self.init(
      machine: String(place[..<colon]), inode: inode,
      hardware: parts.count == 2 ? Set(parts[1].split(separator: ",").map(String.init)) : [])
  }

  var recorded: String {
    "\(machine):\(inode)" + (hardware.isEmpty ? "" : " " + hardware.sorted().joined(separator: ","))
  }

  /// Whether a store recorded here and found at `other` is the same file on the same
  /// machine: the same machine and inode, and, when both know some, hardware in common.
  func isSameFile(as other: FileLocation) -> Bool {
    machine == other.machine && inode == other.inode
      && (hardware.isEmpty || other.hardware.isEmpty || !hardware.isDisjoint(with: other.hardware))
  }

  /// The location of the file at `path` now, or nil when it cannot be told.
  static func current(of path: String) -> FileLocation? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    let machine =
      (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
      ?? ProcessInfo.processInfo.hostName
    return FileLocation(machine: machine, inode: UInt64(status.st_ino), hardware: networkHardware())
  }

  /// The permanent addresses of the physical network interfaces under `root`: those
  /// backed by a device (not `lo`, bridges, `veth` pairs or tunnels) whose address the
  /// hardware assigned (`addr_assign_type` 0), not one chosen at random or set by software
  /// (Wi-Fi address randomisation).
  static func networkHardware(in root: String = "/sys/class/net") -> Set<String> {
    let manager = FileManager.default
    guard let interfaces = try? manager.contentsOfDirectory(atPath: root) else { return [] }
    var addresses: Set<String> = []
    for interface in interfaces {
      let folder = (root as NSString).appendingPathComponent(interface)
      func read(_ name: String) -> String? {
        (try? String(contentsOfFile: (folder as NSString).appendingPathComponent(name), encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines)
      }
      guard manager.fileExists(atPath: (folder as NSString).appendingPathComponent("device")),
        read("addr_assign_type") == "0", let address = read("address")?.lowercased(),
        address.utf8.count == 17, address != "00:00:00:00:00:00"
      else { continue }
      addresses.insert(address)
    }
    return addresses
  }
}
