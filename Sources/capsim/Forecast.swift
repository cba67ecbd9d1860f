import ArgumentParser
import CapsimModel
import Foundation
import Planning
import Reporting

struct Forecast: ParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    static let configuration = CommandConfiguration(
        abstract: "Fit monthly growth to tracked history (CSV date,metric,value[,service]) with a 95 % interval.",
        discussion: """
        Fits ln(value) = a + b·months by least squares per metric and service, reports growth = e^b − 1 \
        with its interval, R², and any weekly or yearly pattern left in the residuals. The range \
        it prints plugs into plan: capsim plan FILE --set 'planning.growth={low: …, mid: …, high: …}'.
        """)

    @Argument(help: "History CSV with the header date,metric,value[,service].")
    var file: String

    @Option(help: "Only this metric (e.g. dau, tps, rps).")
    var metric: String?

    @Option(help: "Only this service or payment option.")
    var service: String?

    @Option(help: "table or json.")
    var format: Format = .table

    @Option(help: "Write the fitted range of the first (or only) series as a planning.growth value to this file.")
    var out: String?

    @OptionGroup var store: StoreOptions

    func run() throws {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            printErr("\(file): error: cannot read the file")
            throw ExitCode(2)
        }
        let (points, problems) = HistoryCSV.parse(text, file: file)
        if !problems.isEmpty {
            printErr(problems.prefix(50).map(\.description).joined(separator: "\n"))
            if problems.count > 50 { printErr("… and \(problems.count - 50) more problems") }
            throw ExitCode(2)
        }
        if !store.noStore {
            // Imported whole (every metric), so the database accumulates the tracked history.
            let n = try openStore(store.db).saveHistory(points, source: file, importedAt: nowISO())
            printErr("imported \(n) observations into the results database")
        }
        let chosen = points.filter { (metric == nil || $0.metric == metric) && (service == nil || $0.service == service) }
        let groups = Dictionary(grouping: chosen) { "\($0.metric)\u{1F}\($0.service)" }
        let fits = groups.keys.sorted().compactMap { GrowthFit.fit(groups[$0]!) }
        guard !fits.isEmpty else {
            printErr("\(file): error: no series with at least 3 distinct days\(metric.map { " for metric \($0)" } ?? "")")
            throw ExitCode(2)
        }
        switch format {
        case .json:
            let e = JSONEncoder()
            e.keyEncodingStrategy = .convertToSnakeCase
            e.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try e.encode(fits), as: UTF8.self))
        case .table:
            var t = TextTable(["metric", "service", "points", "from", "to", "growth/month", "95% interval", "R²", "residual lag-1 r"])
            for f in fits {
                t.add([f.metric, f.service.isEmpty ? "—" : f.service, "\(f.points)", date(f.firstDay), date(f.lastDay), pct(f.growthMonthly),
                       "\(pct(f.low)) … \(pct(f.high))", String(format: "%.3f", f.rSquared), String(format: "%.2f", f.residualAutocorrelation)])
            }
            print(t.render())
            for f in fits {
                if let s = f.seasonality { print("note: \(f.metric)\(f.service.isEmpty ? "" : " (\(f.service))"): \(s); the interval is too narrow while it remains") }
                else if f.residualAutocorrelation > 0.5 { print("note: \(f.metric): residuals are strongly autocorrelated (r = \(String(format: "%.2f", f.residualAutocorrelation))): the interval is too narrow") }
            }
            let f = fits[0]
            print("\nuse with plan: --set 'planning.growth=\(range(f))'")
        }
        if let out { try emit(range(fits[0]) + "\n", to: out) }
    }

    func range(_ f: GrowthFit) -> String { "{low: \(pct(f.low)), mid: \(pct(f.growthMonthly)), high: \(pct(f.high))}" }

    func pct(_ v: Double) -> String { String(format: "%.2f%%", v * 100) }

    func date(_ day: Int) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date(timeIntervalSince1970: Double(day) * 86_400))
    }
}
