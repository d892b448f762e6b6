/// A record's row number, the dot that created it, and the row of its group's survivor,
/// under which its annotations live (`RecordGroups`).
public struct RecordRef: Sendable, Equatable {
  public let num: Int64
  public let id: String
  public let origin: Int64
  public let group: Int64

  public init(num: Int64, id: String, origin: Int64, group: Int64? = nil) {
    self.num = num
    self.id = id
    self.origin = origin
    self.group = group ?? num
  }
}
