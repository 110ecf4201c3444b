import ArgumentParser
import Foundation
import PorchlightCore

struct Backtest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a shipment-history CSV in time order and score the promises the engine would have made.",
        discussion: "Needs no database: the engine runs in-process against a fresh merchant set up from the file.")

    @Option(help: "The shipment-history CSV (e.g. datasets/olist/history.csv).")
    var history: String

    @Option(name: .customLong("score-from"), help: "Score only orders placed on or after this date (YYYY-MM-DD); earlier ones only teach.")
    var scoreFrom: String?

    @Option(name: .customLong("on-time-target"), help: "The share of orders promises aim to deliver on time (0.5 to 0.99).")
    var onTimeTarget: Double = PromisePolicy.defaultOnTimeTarget

    @Option(name: .customLong("learning-sample"), help: "Shipments each day's model learns from at most, sampled as the service samples them.")
    var learningSample: Int = LearningSample.size

    @Flag(name: .customLong("public-holidays"), help: "Close the merchant's calendars on the origin country's public holidays.")
    var publicHolidays = false

    @Flag(name: .customLong("location-per-origin"), help: "Make each origin postal area a location of its own (handling learned per seller).")
    var locationPerOrigin = false

    @Flag(name: .customLong("no-adaptive-level"), help: "Cut promises at the recalibrated target alone, without the adaptive level.")
    var noAdaptiveLevel = false

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    func validate() throws {
        if let scoreFrom, LocalDate(scoreFrom) == nil { throw ValidationError("--score-from must be a date such as 2018-01-01") }
        guard PromisePolicy.onTimeTargets.contains(onTimeTarget) else { throw ValidationError("--on-time-target must be between 0.5 and 0.99") }
        guard learningSample >= 1 else { throw ValidationError("--learning-sample must be at least 1") }
    }

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: history, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read --history \(history): \(error.localizedDescription)")
        }
        let orders = try ShipmentHistoryCSV.parse(text)
        let report = PromiseBacktest(orders: orders, policy: PromisePolicy(onTimeTarget: onTimeTarget),
                                     scoreFrom: scoreFrom.flatMap(LocalDate.init), learningSample: learningSample,
                                     publicHolidays: publicHolidays, locationPerOrigin: locationPerOrigin,
                                     adaptiveCalibration: !noAdaptiveLevel).run()
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(Self.describe(report))
        }
    }

    static func describe(_ report: PromiseBacktest.Report) -> String {
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        func days(_ value: Double) -> String { String(format: "%.1f days", value) }
        var lines = [
            "orders read \(report.ordersRead), scored \(report.ordersScored), without a promise \(report.ordersWithoutPromise)",
            "on-time target \(percent(report.onTimeTarget))",
            "",
            "                      Porchlight    merchant",
            "on-time rate          \(percent(report.onTimeRate).padding(toLength: 14, withPad: " ", startingAt: 0))\(percent(report.merchantOnTimeRate))",
            "median promised lead  \(days(report.medianPromisedLeadDays).padding(toLength: 14, withPad: " ", startingAt: 0))\(days(report.merchantMedianPromisedLeadDays))",
            "median window width   \(days(report.medianWindowDays))",
            "mean stated confidence \(percent(report.meanStatedConfidence))",
            "",
            "calibration (aimed at, stated confidence, realised on time):",
        ]
        for level in report.calibration {
            lines.append("  \(percent(level.level).padding(toLength: 8, withPad: " ", startingAt: 0))stated \(percent(level.statedConfidence))  realised \(percent(level.realisedOnTimeRate))")
        }
        lines += [
            "",
            "estimate at carrier hand-off: \(report.handoffEstimates) orders, delivered within its window \(percent(report.handoffOnTimeRate)), by its latest date \(percent(report.handoffByLatestRate)), median width \(days(report.handoffMedianWindowDays))",
            "hand-off calibration (aimed-at coverage, realised inside, median width):",
        ]
        for level in report.handoffCalibration {
            lines.append("  \(percent(level.level).padding(toLength: 8, withPad: " ", startingAt: 0))inside \(percent(level.realisedInsideRate))  width \(days(level.medianWindowDays))")
        }
        lines.append("\"at risk\" at hand-off (the estimate ends after the promise) against a missed promise:")
        for score in report.atRiskAtHandoff {
            lines.append("  \(score.promise.padding(toLength: 12, withPad: " ", startingAt: 0))\(score.lateOrders) late of \(score.orders), flagged \(score.flagged): recall \(percent(score.recall)), precision \(percent(score.precision)), median lead \(days(score.medianLeadDays)); \(score.handedOffLate) handed off after the promise, left out")
        }
        lines += [
            "transit learned from: " + report.transitBasis.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "),
        ]
        return lines.joined(separator: "\n")
    }
}
