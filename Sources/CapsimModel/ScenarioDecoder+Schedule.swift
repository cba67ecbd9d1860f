import Foundation
import Yams

// `autoscaling.schedule:` — scheduled minimums, KEDA cron windows or `before` an occasion.

extension ScenarioDecoder {
    /// Default time zone of a cron rule: the platform's own (Ethiopia keeps EAT all year).
    static let scheduleTimeZone = "Africa/Addis_Ababa"

    /// One rule. A rule is either a cron window (`start` and `end`) or `before` an occasion;
    /// every field is read even when an earlier one is wrong, so all problems come together.
    func scheduleRule(_ node: Node, _ path: String) -> ScalingSchedule? {
        guard let o = Obj(r, node, path, kind: "schedule_rule", required: ["replicas"]) else { return nil }
        let replicas = o.int("replicas")
        let cronKeys = ["start", "end", "timezone"].filter(o.has)
        var when: ScalingSchedule.When?
        switch (o.has("before"), cronKeys.isEmpty) {
        case (true, false):
            r.error(at: node.mark, path, "expected either a cron window (start, end) or before, not both")
        case (false, true):
            if o.typoTargets.isDisjoint(with: ["start", "end", "before"]) {
                r.error(at: node.mark, path, "expected a cron window (start: \"0 18 * * *\", end: \"0 22 * * *\") or before: an occasion (\"surge on-sale\", \"holidays\")")
            }
        case (true, true):
            let lead = o.has("lead") ? o.duration("lead") : 0
            if let text = o.text("before"), let occasion = occasion(text, o) , let lead { when = .before(occasion, lead: lead) }
        case (false, false):
            if o.has("lead") { r.error(at: o["lead"]?.mark, o.sub("lead"), "lead belongs to a before rule: a cron window opens at its start") }
            for key in ["start", "end"] where !o.has(key) { r.error(at: node.mark, o.sub(key), "missing: a cron window needs both start and end") }
            let start = o.has("start") ? cron(o, "start") : nil, end = o.has("end") ? cron(o, "end") : nil
            let zone = o.text("timezone") ?? Self.scheduleTimeZone
            if TimeZone(identifier: zone) == nil {
                r.error(at: o["timezone"]?.mark, o.sub("timezone"), "expected an IANA time zone like \"Africa/Addis_Ababa\" or \"UTC\", got \"\(zone)\"")
            } else if let start, let end {
                if start.text.split(separator: " ") == end.text.split(separator: " ") {
                    r.error(at: o["end"]?.mark, o.sub("end"), "start and end are the same time: the window would never be open")
                } else {
                    when = .cron(start: start, end: end, timeZone: zone)
                }
            }
        }
        guard let when, let replicas else { return nil }
        return ScalingSchedule(name: o.string("name") ?? Self.defaultName(when), when: when, replicas: replicas)
    }

    static func defaultName(_ w: ScalingSchedule.When) -> String {
        switch w {
        case .cron(let s, let e, _): return "cron \(s)–\(e)"
        case .before(let o, _): return "before \(o.description)"
        }
    }

    func cron(_ o: Obj, _ key: String) -> CronExpression? {
        guard let t = o.text(key) else { return nil }
        switch CronExpression.parse(t) {
        case .success(let c): return c
        case .failure(let e):
            r.error(at: o[key]?.mark, o.sub(key), "expected a cron expression like \"30 18 * * 1-5\": \(e.message)")
            return nil
        }
    }

    /// `surge NAME`, `season NAME`, `holiday ID` or `holidays`. Names are checked against the
    /// scenario by the validator, which sees the whole file.
    func occasion(_ text: String, _ o: Obj) -> ScalingSchedule.Occasion? {
        let words = text.split(separator: " ", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        switch (words.first, words.count) {
        case ("holidays", 1): return .everyHoliday
        case ("surge", 2): return .surge(words[1])
        case ("season", 2): return .season(words[1])
        case ("holiday", 2): return .holiday(words[1])
        default:
            r.error(at: o["before"]?.mark, o.sub("before"), "expected \"surge NAME\", \"season NAME\", \"holiday NAME\" or \"holidays\", got \"\(text)\"")
            return nil
        }
    }
}
