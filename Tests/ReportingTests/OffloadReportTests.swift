import CapsimModel
import Foundation
import Reporting
import Simulation
import Testing

@Suite("Reports show caches and the CDN")
struct OffloadReportTests {
    @Test("HTML and Markdown list cache hit ratios and CDN offload")
    func offload() throws {
        let yaml = """
        capsim: 1
        name: offload
        services:
          gw: {capacity: {service_time: 1ms, concurrency: 64}, replicas: 2}
          shop: {capacity: {service_time: 1ms, concurrency: 64}, replicas: 2, database: shop-db, queries_per_request: 2, cache: {hit_ratio: 75%}}
        traffic: {entry: gw, peak: 50/s, routes: {all: {share: 100%, path: [gw, shop]}}}
        databases: {shop-db: {owner: shop, cpus: 4}}
        cdn: {shop: [{path: "/shop/img/*", ttl: 1s, service: shop, rate: 100/s, objects: 100}]}
        """
        let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = 120
        let r = try Simulator(scenario: s, options: o).run()
        let html = HTMLReport.simulation(r, scenario: s, runID: nil)
        #expect(html.contains("<h2 id=\"offload\">Caches and CDN</h2>"))
        #expect(html.contains("/shop/img/*"))
        #expect(html.contains("50.0 % (TTL)"))          // λT/(1+λT) with λ = 1/s, T = 1 s
        let ratio = try #require(r.services.first { $0.service == "shop" }?.cacheHitRatio)
        #expect(html.contains(String(format: "%.1f %%", ratio * 100)))
        let md = MarkdownReport.simulation(r, scenario: s, runID: nil)
        #expect(md.contains("### Caches and CDN"))
        #expect(md.contains("50.0%"))
    }
}
