/// An add-wins observed-remove set (OR-Set).
///
/// Each addition is tagged with its dot; a removal deletes only the additions its writer
/// had observed. An addition concurrent with a removal was not observed, so it survives:
/// removing a tag never silently undoes a teammate's tagging that you had not seen.
public struct ObservedRemoveSet<Element: Hashable & Sendable>: Hashable, Sendable {
  public private(set) var additions: [Element: Set<Dot>] = [:]

  public init() {}

  public mutating func add(_ element: Element, dot: Dot) {
    additions[element, default: []].insert(dot)
  }

  public mutating func remove(_ element: Element, observed: some Sequence<Dot>) {
    guard var dots = additions[element] else { return }
    dots.subtract(observed)
    additions[element] = dots.isEmpty ? nil : dots
  }

  public func contains(_ element: Element) -> Bool { additions[element] != nil }

  public var elements: Set<Element> { Set(additions.keys) }

  /// The additions of `element` that a removal issued now would observe.
  public func observedAdditions(of element: Element) -> [Dot] { (additions[element] ?? []).sorted() }
}
