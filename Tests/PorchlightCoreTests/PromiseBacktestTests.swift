import Foundation
@testable import PorchlightCore
import Testing

@Suite struct PromiseBacktestTests {
    static let header = "order_id,placed_at,shipped_at,delivered_at,promised_by,carrier,service,origin_country,origin_region,origin_postal_prefix,destination_country,destination_region,destination_postal_prefix,timezone"

    /// 80 orders, one a day from 2017-01-02: handed off the next day, delivered three days later.
    /// `lastShipped` and `lastDelivery` change the last order's.
    static func history(lastShipped: String? = nil, lastDelivery: String? = nil) -> String {
        var rows = [header]
        let start = LocalDate("2017-01-02")!
        for index in 0..<80 {
            let placed = start.adding(days: index)
            let shipped = index == 79 && lastShipped != nil ? lastShipped! : "\(placed.adding(days: 1)) 09:00:00"
            let delivered = index == 79 && lastDelivery != nil ? lastDelivery! : "\(placed.adding(days: 4)) 15:00:00"
            rows.append("o\(index),\(placed) 10:00:00,\(shipped),\(delivered),\(placed.adding(days: 10)),acme,standard,BR,SP,01000,BR,RJ,20000,America/Sao_Paulo")
        }
        return rows.joined(separator: "\n")
    }

    @Test func parsesTheHistoryFormatAndNamesBadLines() throws {
        let orders = try ShipmentHistoryCSV.parse(Self.history())
        #expect(orders.count == 80)
        #expect(orders[0].service == ServiceKey(carrier: "acme", serviceLevel: "standard"))
        #expect(orders[0].placedAt == ISO8601DateFormatter().date(from: "2017-01-02T12:00:00Z"))  // UTC-2 in Brazilian summer time
        #expect(throws: ShipmentHistoryCSV.ParseError.self) {
            try ShipmentHistoryCSV.parse(Self.header + "\nx,2017-01-02 10:00,,2017-01-05 10:00:00,2017-01-09,a,b,BR,SP,1,BR,RJ,2,America/Sao_Paulo")
        }
        #expect(CSV.records(#"a,"b,c","d""e",f"#) == [["a", "b,c", "d\"e", "f"]])
        // A quoted field may hold a line break (free text in reviews.csv does); blank lines are skipped.
        #expect(CSV.records("id,message\r\n1,\"Chegou,\nmas \"\"amassado\"\"\"\r\n\n2,\r\n") == [["id", "message"], ["1", "Chegou,\nmas \"amassado\""], ["2", ""]])
    }

    @Test func promisesUseOnlyWhatWasKnownWhenTheOrderWasPlaced() throws {
        let scoreFrom = LocalDate("2017-03-22")  // only the last order is scored
        let normal = PromiseBacktest(orders: try ShipmentHistoryCSV.parse(Self.history()), policy: PromisePolicy(), scoreFrom: scoreFrom).run()
        let slowLast = PromiseBacktest(orders: try ShipmentHistoryCSV.parse(Self.history(lastDelivery: "2017-05-30 15:00:00")),
                                       policy: PromisePolicy(), scoreFrom: scoreFrom).run()
        #expect(normal.ordersScored == 1)
        // Its own (future) delivery cannot change the promise made for it, only whether it was kept.
        #expect(normal.medianPromisedLeadDays == slowLast.medianPromisedLeadDays)
        #expect(normal.onTimeRate == 1 && slowLast.onTimeRate == 0)
        // Learned from 79 identical orders, the promise is far shorter than the merchant's ten days.
        #expect(normal.medianPromisedLeadDays < normal.merchantMedianPromisedLeadDays)
        #expect(normal.merchantOnTimeRate == 1)
    }

    @Test func atRiskAtHandoffIsScoredAgainstMissedPromises() throws {
        let scoreFrom = LocalDate("2017-03-22")  // the last order, placed 2017-03-22 and promised within days
        func scores(shipped: String? = nil, delivered: String? = nil) throws -> [String: PromiseBacktest.AtRiskScore] {
            let report = PromiseBacktest(orders: try ShipmentHistoryCSV.parse(Self.history(lastShipped: shipped, lastDelivery: delivered)),
                                         policy: PromisePolicy(), scoreFrom: scoreFrom).run()
            return Dictionary(uniqueKeysWithValues: report.atRiskAtHandoff.map { ($0.promise, $0) })
        }
        // On time and handed off on time: nothing late, nothing flagged.
        let calm = try scores()
        #expect(calm["porchlight"]?.orders == 1 && calm["porchlight"]?.lateOrders == 0 && calm["porchlight"]?.flagged == 0)
        // Handed off on time, then slow: late, but the hand-off estimate could not know (recall 0).
        let unforeseen = try scores(delivered: "2017-05-30 15:00:00")
        #expect(unforeseen["porchlight"]?.lateOrders == 1 && unforeseen["porchlight"]?.flagged == 0 && unforeseen["porchlight"]?.recall == 0)
        // Handed off on 2017-03-31, a day before the merchant's promised 2017-04-01: the estimate
        // ends after it, which is then missed. Porchlight's promise had ended days before the
        // hand-off: no forecast, left out.
        let foreseen = try scores(shipped: "2017-03-31 09:00:00", delivered: "2017-04-03 15:00:00")
        #expect(foreseen["merchant"]?.lateOrders == 1 && foreseen["merchant"]?.flagged == 1)
        #expect(foreseen["merchant"]?.recall == 1 && foreseen["merchant"]?.precision == 1)
        #expect(foreseen["merchant"]?.medianLeadDays == 1)
        #expect(foreseen["porchlight"]?.orders == 0 && foreseen["porchlight"]?.handedOffLate == 1)
    }
}
