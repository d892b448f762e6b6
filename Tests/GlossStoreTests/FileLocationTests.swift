import Foundation
import Testing

@testable import GlossStore

@Suite struct FileLocationTests {
  @Test func recordedLocationsReadBackWithOrWithoutHardware() throws {
    let full = FileLocation(machine: "4c4c", inode: 1207, hardware: ["02:fc:00:00:00:01", "0a:00:27:00:00:02"])
    #expect(full.recorded == "4c4c:1207 02:fc:00:00:00:01,0a:00:27:00:00:02")
    #expect(FileLocation(recorded: full.recorded) == full)
    // What earlier versions recorded.
    #expect(FileLocation(recorded: "4c4c:1207") == FileLocation(machine: "4c4c", inode: 1207, hardware: []))
    #expect(FileLocation(recorded: "4c4c") == nil)
    #expect(FileLocation(recorded: "4c4c:x12") == nil)
  }

  @Test func onlyAnotherMachineInodeOrAllOtherHardwareIsAnotherPlace() {
    let recorded = FileLocation(machine: "m", inode: 7, hardware: ["aa:aa:aa:aa:aa:01", "aa:aa:aa:aa:aa:02"])
    func here(_ hardware: Set<String>, machine: String = "m", inode: UInt64 = 7) -> FileLocation {
      FileLocation(machine: machine, inode: inode, hardware: hardware)
    }
    #expect(recorded.isSameFile(as: here(["aa:aa:aa:aa:aa:01", "aa:aa:aa:aa:aa:02"])))
    #expect(recorded.isSameFile(as: here(["aa:aa:aa:aa:aa:01", "bb:bb:bb:bb:bb:01"])), "a dock plugged in")
    #expect(recorded.isSameFile(as: here(["aa:aa:aa:aa:aa:02"])), "an adapter unplugged")
    #expect(recorded.isSameFile(as: here([])), "no hardware to tell by")
    #expect(!recorded.isSameFile(as: here(["bb:bb:bb:bb:bb:01"])), "a disk cloned onto another laptop")
    #expect(!recorded.isSameFile(as: here(recorded.hardware, machine: "other")))
    #expect(!recorded.isSameFile(as: here(recorded.hardware, inode: 8)))
    #expect(FileLocation(recorded: "m:7")!.isSameFile(as: here(["cc:cc:cc:cc:cc:01"])))
  }

  /// A `/sys/class/net` laid out as Linux does: only hardware-assigned addresses of
  /// interfaces backed by a device count.
  @Test func networkHardwareIsThePermanentAddressesOfPhysicalInterfaces() throws {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-net-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    func interface(_ name: String, device: Bool, type: String, address: String) throws {
      let folder = root.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      if device {
        try FileManager.default.createSymbolicLink(
          at: folder.appendingPathComponent("device"), withDestinationURL: root)
      }
      try "\(type)\n".write(to: folder.appendingPathComponent("addr_assign_type"), atomically: true, encoding: .utf8)
      try "\(address)\n".write(to: folder.appendingPathComponent("address"), atomically: true, encoding: .utf8)
    }
    try interface("eth0", device: true, type: "0", address: "02:FC:00:00:00:01")
    try interface("wlan0", device: true, type: "3", address: "7e:11:22:33:44:55")
    try interface("lo", device: false, type: "0", address: "00:00:00:00:00:00")
    try interface("veth12", device: false, type: "1", address: "aa:bb:cc:dd:ee:ff")
    try interface("enp1s0", device: true, type: "0", address: "00:00:00:00:00:00")
    try interface("usb0", device: true, type: "0", address: "0a:00:27:00:00:02")
    #expect(FileLocation.networkHardware(in: root.path) == ["02:fc:00:00:00:01", "0a:00:27:00:00:02"])
    #expect(FileLocation.networkHardware(in: root.appendingPathComponent("missing").path).isEmpty)
  }
}
