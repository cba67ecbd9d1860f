import Foundation
import Testing
@testable import ServiceCore

@Suite(.timeLimit(.minutes(3))) struct ServiceTests {
    @Test func authIssuesVerifiableTokensOnlyForTheRightPassword() async throws {
        try await withService { config, client in
            let good = try await client.post("/auth/token", #"{"creator":"abebe","password":"abebe-pass"}"#)
            #expect(good.status == 200)
            let token = try #require(good.json["token"] as? String)
            let claims = try TokenSigner(secret: testSecret).verify(token, now: Int64(Date().timeIntervalSince1970))
            #expect(claims.creatorID == 1)
            #expect(good.json["token_type"] as? String == "Bearer")

            let bad = try await client.post("/auth/token", #"{"creator":"abebe","password":"wrong"}"#)
            #expect(bad.status == 401)
            #expect(bad.json["error"] as? String == "unknown creator or wrong password")
            #expect(try await client.post("/auth/token", #"{"creator":"nobody","password":"x"}"#).status == 401)
            let missing = try await client.post("/auth/token", #"{"creator":"abebe"}"#)
            #expect(missing.status == 400 && missing.json["error"] != nil)
            #expect(try await client.post("/auth/token", "not json").status == 400)
            // A token from another secret is refused.
            let foreign = TokenSigner(secret: Array("other".utf8)).issue(creatorID: 1, now: Int64(Date().timeIntervalSince1970)).token
            #expect(try await client.get("/rewards/me", headers: ["Authorization": "Bearer \(foreign)"]).status == 401)
            let expired = TokenSigner(secret: testSecret, ttlSeconds: 1).issue(creatorID: 1, now: 1_000).token
            let r = try await client.get("/rewards/me", headers: ["Authorization": "Bearer \(expired)"])
            #expect(r.status == 401 && r.json["error"] as? String == "token expired")
        }
    }

    @Test func searchFindsPaginatesAndCaches() async throws {
        try await withService { _, client in
            let coffee = try await client.get("/marketplace/products?q=coffee")
            #expect(coffee.status == 200)
            let total = try #require(coffee.json["total"] as? Int)
            #expect(total > 50)
            let results = try #require(coffee.json["results"] as? [[String: Any]])
            #expect(results.count == 20)
            #expect(results.allSatisfy { $0["category"] as? String == "Coffee" })
            #expect(coffee.header("X-Cache") == "miss")
            #expect(try await client.get("/marketplace/products?q=coffee").header("X-Cache") == "hit")

            let city = try await client.get("/marketplace/products?q=Bahir%20Dar")
            let cityHits = try #require(city.json["results"] as? [[String: Any]])
            #expect(!cityHits.isEmpty && cityHits.allSatisfy { $0["city"] as? String == "Bahir Dar" })

            let p1 = try await client.get("/marketplace/products?q=coffee&page=1")
            let p2 = try await client.get("/marketplace/products?q=coffee&page=2")
            let ids1 = Set((p1.json["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
            let ids2 = Set((p2.json["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int })
            #expect(ids1.count == 20 && ids2.count == 20 && ids1.isDisjoint(with: ids2))
            let beyond = try await client.get("/marketplace/products?q=coffee&page=\(total / 20 + 2)")
            #expect((beyond.json["results"] as? [Any])?.isEmpty == true)

            let all = try await client.get("/marketplace/products")
            #expect(all.json["total"] as? Int == 2_000)
            #expect((all.json["results"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == Array(1...20))
            #expect(try await client.get("/marketplace/products?q=%22%2A%28").json["total"] as? Int == 2_000)  // only FTS syntax: no terms
            #expect(try await client.get("/marketplace/products?q=zzzqqq").json["total"] as? Int == 0)

            let badPage = try await client.get("/marketplace/products?q=coffee&page=0")
            #expect(badPage.status == 400 && badPage.json["error"] as? String != nil)
            #expect(try await client.get("/marketplace/products?page=abc").status == 400)
        }
    }

    @Test func paymentsValidateAndAreIdempotent() async throws {
        try await withService({ $0.runRewardsWorker = false }) { config, client in
            let token = try await client.token()
            let auth = ["Authorization": "Bearer \(token)"]
            #expect(try await client.post("/payments", #"{"amount":10,"currency":"ETB","product_id":1}"#).status == 401)
            for body in [#"{"amount":0,"currency":"ETB","product_id":1}"#, #"{"amount":-5,"currency":"ETB","product_id":1}"#,
                         #"{"amount":10,"currency":"USD","product_id":1}"#, #"{"amount":10,"product_id":1}"#,
                         #"{"currency":"ETB","product_id":1}"#, #"{"amount":10,"currency":"ETB"}"#,
                         #"{"amount":"ten","currency":"ETB","product_id":1}"#, "[1,2"] {
                let r = try await client.post("/payments", body, headers: auth)
                #expect(r.status == 400, "\(body) → \(r.status)")
                #expect(r.json["error"] is String, "\(body) → \(r.body)")
            }
            #expect(try await client.post("/payments", #"{"amount":10,"currency":"ETB","product_id":999999}"#, headers: auth).status == 404)

            let ok = try await client.post("/payments", #"{"amount":250.5,"currency":"ETB","product_id":7}"#, headers: auth)
            #expect(ok.status == 201)
            #expect(ok.json["status"] as? String == "completed")

            var keyed = auth
            keyed["Idempotency-Key"] = "order-42"
            let first = try await client.post("/payments", #"{"amount":99,"currency":"ETB","product_id":3}"#, headers: keyed)
            let again = try await client.post("/payments", #"{"amount":99,"currency":"ETB","product_id":3}"#, headers: keyed)
            #expect(first.status == 201 && again.status == 201)
            #expect(first.body == again.body)
            #expect(again.header("Idempotent-Replayed") == "true" && first.header("Idempotent-Replayed") == nil)
            let conflict = try await client.post("/payments", #"{"amount":100,"currency":"ETB","product_id":3}"#, headers: keyed)
            #expect(conflict.status == 409)

            let db = try ServiceDatabase(path: config.databasePath)
            #expect(try db.count("payments") == 2)
            #expect(try db.count("orders") == 2)
            #expect(try db.count("outbox") == 2)
            #expect(try db.outboxLag() == 2)  // the worker is off in this test
        }
    }

    @Test func rewardsWorkerConsumesTheOutbox() async throws {
        try await withService { _, client in
            let auth = ["Authorization": "Bearer \(try await client.token("tigist", "tigist-pass"))"]
            for i in 1...3 {
                #expect(try await client.post("/payments", #"{"amount":1000,"currency":"ETB","product_id":\#(i)}"#, headers: auth).status == 201)
            }
            var loyalty: [String: Any] = [:]
            for _ in 0..<100 {
                loyalty = try await client.get("/rewards/me", headers: auth).json
                if loyalty["payments"] as? Int == 3 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(loyalty["payments"] as? Int == 3)
            #expect(loyalty["cashback_etb"] as? Double == 60)  // 2 % of 3,000 ETB
            #expect(loyalty["tier"] as? String == "silver")
            let metrics = try await client.get("/metrics").body
            #expect(metrics.contains("outbox_lag 0"))
            // The worker's batches and the time they held the writer are on the page.
            let line = try #require(metrics.split(separator: "\n").first { $0.hasPrefix("rewards_batches_total ") })
            #expect((Int(line.split(separator: " ")[1]) ?? 0) >= 1)
            #expect(metrics.contains("rewards_batch_seconds_total "))
            #expect(metrics.contains("\nrewards_interval_seconds 0.05\n"))   // the test configuration's 50 ms
        }
    }

    @Test func overloadShedsWith503AndStaysHealthy() async throws {
        try await withService({ $0.workers = 1; $0.queueLimit = 1 }) { _, client in
            let replies = try await withThrowingTaskGroup(of: Reply.self) { group in
                for _ in 0..<12 {
                    group.addTask { try await client.post("/auth/token", #"{"creator":"selam","password":"selam-pass"}"#) }
                }
                return try await group.reduce(into: [Reply]()) { $0.append($1) }
            }
            let shed = replies.filter { $0.status == 503 }
            #expect(!shed.isEmpty)
            #expect(replies.filter { $0.status == 200 }.count >= 2)
            #expect(replies.allSatisfy { $0.status == 200 || $0.status == 503 })
            #expect(shed.allSatisfy { $0.header("Retry-After") == "1" && $0.json["error"] is String })
            #expect(try await client.get("/healthz").status == 200)
            #expect(try await client.get("/readyz").status == 200)
            #expect(try await client.post("/auth/token", #"{"creator":"selam","password":"selam-pass"}"#).status == 200)
            let metrics = try await client.get("/metrics").body
            #expect(metrics.contains("admission_rejected_total \(shed.count)"))
            #expect(metrics.contains("admission_queue_depth 0"))
        }
    }

    @Test func metricsExposeHistogramsPerRoute() async throws {
        try await withService { _, client in
            _ = try await client.get("/marketplace/products?q=berbere")
            _ = try await client.get("/healthz")
            let m = try await client.get("/metrics")
            #expect(m.status == 200)
            #expect(m.header("Content-Type")?.hasPrefix("text/plain") == true)
            for line in ["# TYPE http_request_duration_seconds histogram",
                         #"http_request_duration_seconds_bucket{route="GET /marketplace/products",le="0.005"}"#,
                         #"http_request_duration_seconds_bucket{route="GET /marketplace/products",le="+Inf"} 1"#,
                         #"http_request_duration_seconds_count{route="GET /healthz"} 1"#,
                         #"http_requests_total{route="GET /marketplace/products",status="200"} 1"#,
                         "http_requests_in_flight 1", "admission_queue_depth 0", "outbox_lag 0",
                         "search_cache_misses_total 1", "search_cache_hits_total 0"] {
                #expect(m.body.contains(line), "missing \(line)")
            }
        }
    }

    @Test func startFailsInsteadOfHangingWhenThePortIsTaken() async throws {
        try await withService { config, client in
            var clash = testConfiguration()
            clash.port = client.port
            clash.catalogueSize = 10
            await #expect(throws: (any Error).self) { try await RunningService.start(clash, timeout: .seconds(30)) }
        }
    }
}

@Suite struct ServiceDatabaseTests {
    @Test func rewardsAreGrantedExactlyOncePerPayment() async throws {
        let db = try ServiceDatabase(path: nil, pbkdf2Iterations: 1_000)
        _ = try db.seed(products: 50)
        for (i, cents) in [100_000, 50_000, 25_050].enumerated() {
            let outcome = try await db.pay(creatorID: 2, productID: Int64(i + 1), amountCents: Int64(cents), currency: "ETB",
                                           idempotencyKey: nil, now: 1)
            #expect(outcome.status == 201)
        }
        let processor = RewardsProcessor(database: db)
        #expect(try await processor.processBatch(now: 2) == 3)
        #expect(try await processor.processBatch(now: 3) == 0)
        #expect(try db.count("rewards") == 3)
        #expect(try db.outboxLag() == 0)
        // A lost "processed" mark (redelivery) still cannot pay twice: rewards.payment_id is unique.
        try await db.writer.write { try $0.execute(sql: "UPDATE outbox SET processed_at = NULL") }
        #expect(try await processor.processBatch(now: 4) == 0)
        #expect(try db.count("rewards") == 3)
        let loyalty = try await processor.loyalty(creatorID: 2)
        #expect(loyalty == RewardsProcessor.Loyalty(creator_id: 2, total_spent_etb: 1750.5, cashback_etb: 35.01, payments: 3, tier: "silver"))
    }

    @Test func catalogueIsDeterministicAndGeneratedOnce() async throws {
        let path = temporaryDatabasePath()
        let first = try ServiceDatabase(path: path, pbkdf2Iterations: 1_000).seed(products: 500)
        #expect(first.generationSeconds != nil && first.products == 500)
        let again = try ServiceDatabase(path: path, pbkdf2Iterations: 1_000).seed(products: 500)
        #expect(again.generationSeconds == nil)
        let a = try await ServiceDatabase(path: nil, pbkdf2Iterations: 1_000).searchAfterSeed(200)
        let b = try await ServiceDatabase(path: nil, pbkdf2Iterations: 1_000).searchAfterSeed(200)
        #expect(a == b && a.count == 20)
        #expect(ServiceDatabase.ftsQuery("Addis  Ababa!") == #""addis" "ababa"*"#)
        #expect(ServiceDatabase.ftsQuery(#"" * ( ) -"#) == nil)
        #expect(ServiceDatabase.ftsQuery("coffee OR NEAR(") == #""coffee" "or" "near"*"#)  // operators become plain terms
    }
}

extension ServiceDatabase {
    func searchAfterSeed(_ n: Int) async throws -> [ProductHit] {
        _ = try seed(products: n)
        return try await search("", page: 1).results
    }
}
