import Foundation

/// Dates as the library formats write them (`2017`, `2017-03-01`, `2017/03/01/`, `2017 Mar
/// 1`, `2017 Jan-Feb`, `Spring 2016`), read into the year, the month and the printed date
/// that a record keeps.
public struct DateText: Equatable, Sendable {
  public var year: Int?
  /// `March`, or empty.
  public var month = ""
  /// The date as printed in a citation: `2017 Mar 1`, `2017 Jan-Feb`, `2017`.
  public var printed = ""

  public static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
  ]

  /// A month from its number (`3`), its name or an abbreviation (`Mar`, `mar.`); nil otherwise.
  public static func month(_ text: String) -> String? {
    let word = text.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "."))
    if let number = Int(word), (1...12).contains(number) { return monthNames[number - 1] }
    guard word.count >= 3 else { return nil }
    return monthNames.first { $0.lowercased().hasPrefix(word.lowercased()) }
  }

  /// The first four-digit year in `text` between 1000 and 2999.
  public static func year(in text: String) -> Int? {
    var digits = ""
    for character in text {
      if character.isASCII, character.isNumber {
        digits.append(character)
        if digits.count == 4, let year = Int(digits), (1000...2999).contains(year) { return year }
      } else {
        digits = ""
      }
    }
    return nil
  }

  /// Reads `text`; a date with no year gives a `DateText` with no year.
  public init(_ text: String) {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    year = Self.year(in: trimmed)
    let parts = trimmed.split(whereSeparator: { $0 == "-" || $0 == "/" || $0 == " " || $0 == "," }).map(String.init)
    if trimmed.first?.isNumber == true, parts.count >= 2, parts[0].count == 4, let month = Self.month(parts[1]) {
      self.month = month
      printed = "\(parts[0]) \(month.prefix(3))"
      if parts.count >= 3, let day = Int(parts[2]), (1...31).contains(day) { printed += " \(day)" }
      // `2017 Jan-Feb`: a range of months stays as printed.
      if trimmed.contains("-"), parts.count >= 3, Self.month(parts[2]) != nil, Int(parts[2]) == nil {
        printed = trimmed
      }
    } else {
      // `2014//`, `2014/` and `2014` print as the year; `Spring 2016` as written.
      let bare = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "/-. "))
      printed = bare.isEmpty ? "" : bare
    }
  }

  public init(year: Int?, month: String = "", printed: String = "") {
    self.year = year
    self.month = month
    self.printed = printed.isEmpty ? (year.map(String.init) ?? "") : printed
  }
}
