/// The one-line form of a fault, as `--fault` takes it and a `faults:` row may be written:
/// `KIND:TARGET[=AMOUNT]@AT[+DURATION]`, e.g. `zone-loss:zone-a@30m+10m`,
/// `pod-crash:payments-service=2@20m`, `dependency-slowdown:telebirr=4s@25m+10m`,
/// `dependency-outage:telebirr=50%@25m+5m`, `spot-preemption:rewards-service=1/h@0s+1h`. The
/// amount is the pods killed, the latency added, the error rate (100 % when omitted) or the
/// preemptions per spot pod (a rate); a spot fault's share, notice and price take their defaults
/// (every pod on spot, 2 minutes, the service's own price): the mapping form gives them.
public enum FaultShortForm {
    public static let forms = "a fault like \"zone-loss:zone-a@30m+10m\" (KIND:TARGET[=AMOUNT]@AT[+DURATION]) or a mapping with kind and at"

    /// What a short form says; a crash of N pods may leave its duration out (`duration` nil),
    /// and the decoder then gives it the service's start-up delay.
    public struct Parsed { public let kind: Fault.Kind; public let start: Double; public let duration: Double? }

    public static func parse(_ text: String) -> Result<Parsed, ShortFormError> {
        func bad(_ why: String) -> Result<Parsed, ShortFormError> { .failure(ShortFormError(message: "\(why) in \"\(text)\"; expected \(forms)")) }
        guard let colon = text.firstIndex(of: ":") else { return bad("no \":\" after the kind") }
        let kindText = String(text[..<colon])
        guard Fault.keywords.contains(kindText) else {
            return .failure(ShortFormError(message: "unknown fault kind \"\(kindText)\"; expected one of \(Fault.keywords.joined(separator: ", "))" + didYouMean(kindText, Fault.keywords)))
        }
        let rest = text[text.index(after: colon)...]
        guard let at = rest.lastIndex(of: "@") else { return bad("no \"@\" before the start time") }
        var head = rest[..<at], when = rest[rest.index(after: at)...]
        var amount: Substring?
        if let eq = head.firstIndex(of: "=") { amount = head[head.index(after: eq)...]; head = head[..<eq] }
        let target = String(head)
        guard !target.isEmpty else { return bad("no target between \":\" and \"@\"") }
        var durationText: Substring?
        if let plus = when.firstIndex(of: "+") { durationText = when[when.index(after: plus)...]; when = when[..<plus] }
        guard let start = Duration(parsing: String(when))?.seconds else { return bad("the start \"\(when)\" is not a duration like \"30m\"") }
        var duration: Double?
        if let d = durationText {
            guard let v = Duration(parsing: String(d))?.seconds else { return bad("the duration \"\(d)\" is not a duration like \"10m\"") }
            duration = v
        }
        let kind: Fault.Kind
        switch kindText {
        case "pod-crash":
            if let a = amount, a.hasPrefix("~") {
                guard let m = Duration(parsing: String(a.dropFirst()))?.seconds, m > 0 else { return bad("the mean time between failures \"\(a.dropFirst())\" is not a duration like \"2h\"") }
                guard duration != nil else { return bad("pods failing at random (=~MTBF) need a window after \"+\"") }
                kind = .podCrash(service: target, pattern: .meanTimeBetweenFailures(m))
            } else {
                var pods = 1
                if let a = amount { guard let n = Int(a), n >= 1 else { return bad("the pods killed \"\(a)\" is not a whole number of at least 1 (or ~MTBF)") }; pods = n }
                kind = .podCrash(service: target, pattern: .pods(pods))
            }
        case "zone-loss":
            if let a = amount { return bad("a zone loss takes no amount (\"=\(a)\")") }
            kind = .zoneLoss(zone: target)
        case "database-failover":
            if let a = amount { return bad("a database failover takes no amount (\"=\(a)\"): its duration is the time to promote a replica") }
            kind = .databaseFailover(database: target)
        case "dependency-slowdown":
            guard let a = amount, let extra = Duration(parsing: String(a))?.seconds else { return bad("a slowdown needs the latency it adds, like \"=4s\"") }
            kind = .dependencySlowdown(dependency: target, extra: extra)
        case "spot-preemption":
            guard let a = amount, let rate = Rate(parsing: String(a))?.perSecond else { return bad("a spot preemption needs the preemptions per pod, like \"=1/h\"") }
            kind = .spotPreemption(service: target, spot: Fault.Spot(rate: rate))
        default:
            var rate = 1.0
            if let a = amount { guard let p = Percent(parsing: String(a))?.fraction else { return bad("the error rate \"\(a)\" is not a percentage like \"50%\"") }; rate = p }
            kind = .dependencyOutage(dependency: target, errorRate: rate)
        }
        if duration == nil && kindText != "pod-crash" { return bad("a \(kindText) needs a duration after \"+\"") }
        return .success(Parsed(kind: kind, start: start, duration: duration))
    }

    /// The short form of a fault (its default name).
    public static func text(_ kind: Fault.Kind, start: Double, duration: Double?) -> String {
        var amount = ""
        switch kind {
        case .podCrash(_, .pods(let n)): amount = n == 1 ? "" : "=\(n)"
        case .podCrash(_, .meanTimeBetweenFailures(let m)): amount = "=~\(formatDuration(m))"
        case .zoneLoss, .databaseFailover: amount = ""
        case .dependencySlowdown(_, let extra): amount = "=\(formatDuration(extra))"
        case .dependencyOutage(_, let rate): amount = rate == 1 ? "" : "=\(Percent(fraction: rate))"
        case .spotPreemption(_, let spot): amount = "=\(rateText(spot.rate))"
        }
        return "\(kind.keyword):\(kind.target)\(amount)@\(formatDuration(start))" + (duration.map { "+\(formatDuration($0))" } ?? "")
    }
}

extension FaultShortForm {
    /// A rate in the first unit that reads back as the same rate (`1/h`, `2/d`, `30/min`), so a
    /// short form parses to what it printed; per hour at full precision otherwise.
    public static func rateText(_ perSecond: Double) -> String {
        for (unit, per) in [("h", 3600.0), ("d", 86400.0), ("min", 60.0), ("s", 1.0)] {
            let text = "\(formatCount(perSecond * per))/\(unit)"
            if let back = Rate(parsing: text)?.perSecond, abs(back - perSecond) <= 1e-12 * perSecond { return text }
        }
        return "\(perSecond * 3600)/h"
    }
}

public struct ShortFormError: Error, Sendable { public let message: String }
