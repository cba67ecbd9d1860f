import CapsimModel
import Foundation
import LoadGen

extension CalibrationSettings {
    /// `capsim calibrate`'s flags as the user typed them, made settings, or a
    /// `CalibrationFailure.usage` whose message names the first bad flag and what was expected.
    /// Kept in the library (not the command) so tests reach every rule without a server; the
    /// rules run in the order the flags are listed here, so a command line with two bad flags
    /// always names the same one.
    public static func parsing(target: String, route: String, body: String?, headers: [String], levels: String, fitLevel: String,
                               duration: String, probe: String, connections: Int, fit: RouteModel.Shape, replications: Int,
                               seed: UInt64, precision: String = "5%") throws(CalibrationFailure) -> CalibrationSettings {
        guard let url = URL(string: target), url.host != nil else { throw .usage("--target \"\(target)\": expected a URL like http://127.0.0.1:8080") }
        guard let d = CapsimModel.Duration(parsing: duration)?.seconds, d > 0 else { throw .usage("--duration \"\(duration)\": expected a duration like 20s") }
        guard let probeSeconds = CapsimModel.Duration(parsing: probe)?.seconds, probeSeconds > 0 else {
            throw .usage("--probe \"\(probe)\": expected a duration like 3s")
        }
        guard replications >= 1 else { throw .usage("--replications expects at least 1") }
        guard let fitFraction = Percent(parsing: fitLevel)?.fraction, fitFraction > 0, fitFraction < 1 else {
            throw .usage("--fit-level \"\(fitLevel)\": expected a percentage below 100%, like 50%")
        }
        guard let precisionFraction = Percent(parsing: precision)?.fraction, precisionFraction >= 0.005, precisionFraction <= 0.5 else {
            throw .usage("--precision \"\(precision)\": expected a percentage from 0.5% to 50%, like 5%")
        }
        var fractions: [Double] = []
        for t in levels.split(separator: ",") {
            guard let p = Percent(parsing: String(t)), p.fraction > 0, p.fraction < 1 else {
                throw .usage("--levels \"\(levels)\": expected percentages below 100%, like 30%,50%,70%,80%,90%")
            }
            fractions.append(p.fraction)
        }
        // A bare path is a GET, as the flag's help says.
        let routeKey = route.contains(":/") ? route : "GET:" + route
        let mix: [MixEntry]
        do { mix = try MixParser.parse(routeKey + "=100%", bodies: body.map { [routeKey: $0] } ?? [:]) } catch { throw .usage("--route \"\(route)\": \(error)") }
        var parsedHeaders: [(name: String, value: String)] = []
        for h in headers {
            do { parsedHeaders.append(try LoadRequest.parseHeader(h)) } catch { throw .usage((error as? LoadUsageProblem)?.message ?? "\(error)") }
        }

        var settings = CalibrationSettings(url: url, routeKey: routeKey, mix: mix, fractions: fractions, levelSeconds: d, probeSeconds: probeSeconds)
        settings.headers = parsedHeaders
        settings.connections = connections
        settings.fitFraction = fitFraction
        settings.precision = precisionFraction
        settings.fit = fit
        settings.replications = replications
        settings.seed = seed
        return settings
    }
}
