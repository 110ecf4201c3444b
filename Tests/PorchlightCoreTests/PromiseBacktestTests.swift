import Foundation
@testable import PorchlightCore
import Testing

@Suite struct PromiseBacktestTests {
    static let header = "order_id,placed_at,shipped_at,delivered_at,promised_by,carrier,service,origin_country,origin_region,origin_postal_prefix,destination_country,destination_region,destination_postal_prefix,timezone"

    /// 80 orders, one a day from 2017-01-02: handed off the next day, delivered three days later.
    static func history(lastDelivery: String? = nil) -> String {
        var rows = [header]
        let start = LocalDate("2017-01-02")!
        for index in 0..<80 {
            let placed = start.adding(days: index)
            let delivered = index == 79 && lastDelivery != nil ? lastDelivery! : "\(placed.adding(days: 4)) 15:00:00"
            rows.append("o\(index),\(placed) 10:00:00,\(placed.adding(days: 1)) 09:00:00,\(delivered),\(placed.adding(days: 10)),acme,standard,BR,SP,01000,BR,RJ,20000,America/Sao_Paulo")
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
}
