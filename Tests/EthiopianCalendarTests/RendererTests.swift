import Foundation
import Testing
@testable import EthiopianCalendar

@Suite("capsim calendar output")
struct RendererTests {
    let listing = CalendarListing(gregorianYear: 2025)

    @Test("the table shows each holiday in both calendars: Genna  Tahsas 29, 2017 E.C.  7 Jan 2025  Tue")
    func table() {
        let text = CalendarRenderer.render(listing, as: .table)
        let rows = text.split(separator: "\n").map { $0.replacingOccurrences(of: " {2,}", with: "  ", options: .regularExpression) }
        #expect(rows.contains("Genna (Christmas)  Tahsas 29, 2017 E.C.  7 Jan 2025  Tue  1  public holiday  fixed  genna"))
        #expect(rows.contains("Abiy Tsom (Great Lent)  Yekatit 17 – Miyazya 11, 2017 E.C.  24 Feb – 19 Apr 2025  Mon–Sat  55  observance  computus  abiy-tsom"))
        #expect(rows.contains("Eid al-Fitr  Megabit 21, 2017 E.C.  30 Mar 2025  Sun  1  public holiday  announced  eid-al-fitr"))
        #expect(rows.contains("Tsome Nebiyat (Advent fast)  Hidar 15 – Tahsas 28, 2017 E.C.  24 Nov 2024 – 6 Jan 2025  Sun–Mon  44  observance  fixed  tsome-nebiyat"))
        #expect(text.hasPrefix("capsim calendar: 2025 (Tahsas 23, 2017 E.C. – Tahsas 22, 2018 E.C.)"))
    }

    @Test("the ICS file is well-formed RFC 5545: CRLF lines of ≤ 75 octets, balanced BEGIN/END, one VEVENT per holiday, all-day DTEND exclusive, stable UIDs")
    func ics() throws {
        let text = CalendarRenderer.render(listing, as: .ics)
        #expect(text.hasSuffix("\r\n"))
        let bytes = Array(text.utf8)
        for (i, b) in bytes.enumerated() where b == 0x0A { #expect(i > 0 && bytes[i - 1] == 0x0D, "bare LF at \(i)") }
        let physical = text.components(separatedBy: "\r\n").dropLast()
        #expect(physical.allSatisfy { $0.utf8.count <= 75 })
        #expect(!physical.contains { $0.contains("\r") || $0.contains("\n") })
        // Unfold (a CRLF followed by a space continues the line), then check structure.
        let lines = text.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").dropLast()
        var stack: [String] = []
        for line in lines {
            if line.hasPrefix("BEGIN:") { stack.append(String(line.dropFirst(6))) }
            if line.hasPrefix("END:") { #expect(stack.popLast() == String(line.dropFirst(4)), "\(line)") }
        }
        #expect(stack.isEmpty)
        #expect(lines.first == "BEGIN:VCALENDAR" && lines.last == "END:VCALENDAR")
        #expect(lines.contains("VERSION:2.0") && lines.contains { $0.hasPrefix("PRODID:") })
        let events = lines.split(separator: "BEGIN:VEVENT").dropFirst()
        #expect(events.count == listing.holidays.count)
        for ev in events {
            for prop in ["UID:", "DTSTAMP:", "DTSTART;VALUE=DATE:", "DTEND;VALUE=DATE:", "SUMMARY:"] {
                #expect(ev.filter { $0.hasPrefix(prop) }.count == 1, "\(prop) in \(ev.first ?? "")")
            }
        }
        let uids = lines.filter { $0.hasPrefix("UID:") }
        #expect(Set(uids).count == uids.count)
        #expect(uids.contains("UID:genna-2025@capsim"))
        let genna = try #require(events.first { $0.contains("UID:genna-2025@capsim") })
        #expect(genna.contains("DTSTART;VALUE=DATE:20250107") && genna.contains("DTEND;VALUE=DATE:20250108"))
        #expect(genna.contains("DESCRIPTION:Tahsas 29\\, 2017 E.C. Public holiday (fixed)."))
        let lent = try #require(events.first { $0.contains("UID:abiy-tsom-2025@capsim") })
        #expect(lent.contains("DTSTART;VALUE=DATE:20250224") && lent.contains("DTEND;VALUE=DATE:20250420"))
        #expect(CalendarRenderer.render(listing, as: .ics) == text)   // deterministic
    }

    @Test("folding never splits a UTF-8 character and keeps every line within 75 octets")
    func folding() {
        let long = "DESCRIPTION:" + String(repeating: "Meskerem – Pagume ", count: 12)
        let folded = CalendarRenderer.fold(long)
        #expect(folded.count > 1)
        #expect(folded.allSatisfy { $0.utf8.count <= 75 })
        #expect(folded.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        #expect(folded.enumerated().map { $0.offset == 0 ? $0.element : String($0.element.dropFirst()) }.joined() == long)
    }

    @Test("the JSON has stable keys for every holiday and both calendars' dates")
    func json() throws {
        let text = CalendarRenderer.render(listing, as: .json)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(doc.keys) == ["calendar", "year", "from", "through", "from_ethiopian", "through_ethiopian", "holidays"])
        #expect(doc["calendar"] as? String == "gregorian" && doc["year"] as? Int == 2025)
        let holidays = try #require(doc["holidays"] as? [[String: Any]])
        #expect(holidays.count == listing.holidays.count)
        let keys: Set<String> = ["id", "key", "name", "kind", "start", "end", "days", "weekday", "end_weekday",
                                 "ethiopian_start", "ethiopian_end", "basis", "note"]
        #expect(holidays.allSatisfy { Set($0.keys) == keys })
        let genna = try #require(holidays.first { $0["key"] as? String == "genna-2025" })
        #expect(genna["start"] as? String == "2025-01-07" && genna["kind"] as? String == "public_holiday")
        let eth = try #require(genna["ethiopian_start"] as? [String: Any])
        #expect(eth["year"] as? Int == 2017 && eth["month"] as? Int == 4 && eth["day"] as? Int == 29 && eth["month_name"] as? String == "Tahsas")
        #expect(text.contains("\"note\" : null"))
    }

    @Test("one day in both calendars (capsim calendar --date)")
    func day() {
        let text = CalendarRenderer.renderDay(e(2015, 13, 6).gregorian, as: .table)
        #expect(text.contains("Gregorian  Mon 11 Sep 2023 (2023-09-11)"))
        #expect(text.contains("Ethiopian  Pagume 6, 2015 E.C. (2015-13-06); 2015 E.C. is a leap year"))
        #expect(CalendarRenderer.renderDay(g(2025, 1, 7), as: .table).contains("On this day: Genna (Christmas) [genna, public holiday, fixed]"))
    }
}
