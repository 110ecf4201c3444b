import Foundation
import PorchlightCore

/// The demo shop: a Bucharest warehouse (one handling day) and three couriers delivering Monday to
/// Saturday: next day or two in Bucharest, one to three days elsewhere in Romania, longer abroad
/// (FAN Courier in Romania only).
enum DemoShop {
    /// The demo shop's customer page, at `/pages/demo-<the merchant id's first eight digits>` (scripts/run prints it).
    static func page(_ merchant: MerchantID) -> PageBranding {
        PageBranding(slug: "demo-" + merchant.rawValue.apiText.prefix(8), storeName: "Demo Shop", storeURL: "https://shop.example",
                     support: .init(email: "help@shop.example"), banner: .init(text: "Free returns for 30 days"))
    }

    static let warehouse = FulfilmentLocation(
        code: "WH-BUCHAREST", name: "Bucharest warehouse", country: "RO", region: "B", postalCode: "077190",
        timeZone: TimeZone(identifier: "Europe/Bucharest")!, cutoffMinutes: 14 * 60, handlingDays: 1,
        workingDays: WorkCalendar(days: Weekday.mondayToFriday, holidays: [LocalDate("2026-12-25")!, LocalDate("2027-01-01")!]))

    static let services: [CarrierService] = ["dhl", "ups", "fan_courier"].map { carrier in
        let romania = [BaselineTransit(country: "RO", region: "B", days: 1...2), BaselineTransit(country: "RO", days: 1...3)]
        let abroad = [BaselineTransit(country: "ES", days: 3...5), BaselineTransit(country: "GB", days: 3...6),
                      BaselineTransit(country: "RU", days: 5...10), BaselineTransit(country: "ID", days: 6...12),
                      BaselineTransit(country: "CN", days: 6...12)]
        return CarrierService(carrier: carrier, serviceLevel: "standard",
                              pickupDays: WorkCalendar(days: Weekday.mondayToFriday), deliveryDays: WorkCalendar(days: Weekday.mondayToSaturday),
                              baselineTransit: carrier == "fan_courier" ? romania : romania + abroad)
    }
}

/// A believable history for the demo shop: `count` orders spread evenly over the 90 days before
/// `openedAt` (when the demo was first loaded), and as many again every 90 days after it, each one
/// played out from a seed of its own. Handling and transit follow the configured days with some
/// spread, a few per cent of parcels hit an exception, a failed attempt or a pick-up point, and a
/// few per cent of orders are cancelled. Only orders placed by `now` exist, with only the scans
/// that happened by then: a second load later carries the same orders forward.
struct DemoHistory {
    static let days = 90.0

    let count: Int
    let openedAt: Date

    func orders(placedBy now: Date) -> [DemoOrder] {
        let spacing = Self.days * 86_400 / Double(count)
        let first = openedAt.addingTimeInterval(-Self.days * 86_400)
        return Array((0...).lazy
            .map { DemoOrder(index: $0, slotStart: first.addingTimeInterval(Double($0) * spacing), slot: spacing) }
            .prefix { $0.placedAt <= now })
    }
}

/// One demo order, all of it decided by its index: customer, lines, carrier, and what happens to it.
struct DemoOrder {
    enum Fate {
        case cancelled(at: Date)
        /// Its parcel's scans, from the label ("info received") on.
        case shipped(scans: [TrackingEventDraft])
    }

    let index: Int
    let placedAt: Date
    let draft: OrderDraft
    let carrier: String
    let fate: Fate

    var trackingNumber: String { "DEMO\(100_000 + index)" }

    /// A customer and how many orders in a hundred are theirs: a Romanian shop's, most of them at home.
    private struct Buyer {
        var share: Double
        var name, email, locale, city, region, postalCode, country: String
        var destination: Destination { Destination(country: country, region: region) }
    }

    private static let buyers = [
        Buyer(share: 30, name: "Ana Popescu", email: "ana.popescu@example.com", locale: "ro", city: "Bucharest", region: "B", postalCode: "030031", country: "RO"),
        Buyer(share: 15, name: "Andrei Ionescu", email: "andrei.ionescu@example.com", locale: "ro", city: "Cluj-Napoca", region: "CJ", postalCode: "400001", country: "RO"),
        Buyer(share: 10, name: "Maria Rusu", email: "maria.rusu@example.com", locale: "ro", city: "Iași", region: "IS", postalCode: "700028", country: "RO"),
        Buyer(share: 10, name: "Mihai Stan", email: "mihai.stan@example.com", locale: "ro", city: "Timișoara", region: "TM", postalCode: "300002", country: "RO"),
        Buyer(share: 8, name: "Elena Dumitru", email: "elena.dumitru@example.com", locale: "ro", city: "Constanța", region: "CT", postalCode: "900178", country: "RO"),
        Buyer(share: 7, name: "Ioana Marin", email: "ioana.marin@example.com", locale: "ro", city: "Brașov", region: "BV", postalCode: "500030", country: "RO"),
        Buyer(share: 6, name: "Lucía García", email: "lucia.garcia@example.com", locale: "es", city: "Madrid", region: "M", postalCode: "28013", country: "ES"),
        Buyer(share: 5, name: "Emma Smith", email: "emma.smith@example.com", locale: "en", city: "Leeds", region: "ENG", postalCode: "LS1 4AP", country: "GB"),
        Buyer(share: 3, name: "Ivan Petrov", email: "ivan.petrov@example.com", locale: "ru", city: "Moscow", region: "MOW", postalCode: "101000", country: "RU"),
        Buyer(share: 3, name: "Budi Santoso", email: "budi.santoso@example.com", locale: "id", city: "Jakarta", region: "JK", postalCode: "10110", country: "ID"),
        Buyer(share: 3, name: "Li Wei", email: "li.wei@example.com", locale: "zh-Hans", city: "Shanghai", region: "SH", postalCode: "200000", country: "CN"),
    ]
    private static let products = [
        ("TEE-RED-M", "Red tee (M)", 4990, "apparel"), ("TEE-BLU-L", "Blue tee (L)", 4990, "apparel"),
        ("MUG-01", "Porch mug", 2990, "home"), ("LAMP-02", "Porch lamp", 15900, "home"),
        ("SOCK-3P", "Socks, 3 pairs", 1990, "apparel"), ("BOOK-07", "Field guide", 8900, "books"),
    ]

    /// Placed somewhere in the `slot` seconds from `slotStart`.
    init(index: Int, slotStart: Date, slot: TimeInterval) {
        self.index = index
        var random = DemoRandom(seed: UInt64(index))
        placedAt = slotStart.addingTimeInterval((random.unit() * slot).rounded(.down))
        let customer = Self.buyers[random.pick(Self.buyers.map(\.share))]
        let services = DemoShop.services.compactMap { service in service.baseline(for: customer.destination).map { (service, $0) } }
        // The local courier carries 3 parcels in 7 at home; DHL and UPS the rest, and all abroad.
        let (service, transitRange) = services[random.pick(services.map { $0.0.carrier == "fan_courier" ? 3 : 2 })]
        carrier = service.carrier
        let first = Self.products[index % Self.products.count]
        let second = Self.products[(index * 7 + 3) % Self.products.count]
        draft = OrderDraft(
            orderNumber: "DEMO-\(1001 + index)",
            channel: Channel(type: [.web, .app, .marketplace, .social, .pos][index % 5], name: index % 5 == 2 ? "amazon" : nil),
            customer: Customer(email: customer.email.replacingOccurrences(of: "@", with: "+\(index)@"), phone: nil, name: customer.name, locale: customer.locale),
            destination: Address(name: customer.name, line1: "\(index % 90 + 1) Main Street", line2: nil, city: customer.city,
                                 region: customer.region, postalCode: customer.postalCode, country: customer.country),
            placedAt: placedAt,
            currency: "EUR",
            lines: (first.0 == second.0 ? [first] : [first, second]).enumerated().map { position, product in
                OrderLineDraft(sku: product.0, name: product.1, quantity: 1 + (index + position) % 3, unitPrice: product.2,
                               category: product.3, imageUrl: "https://shop.example.com/img/\(product.0).jpg",
                               productUrl: "https://shop.example.com/p/\(product.0)", finalSale: product.0 == "BOOK-07")
            },
            metadataJSON: #"{"source":"demo"}"#)
        if random.chance(0.03) {
            fate = .cancelled(at: placedAt.addingTimeInterval(3600 * (1 + 5 * random.unit())))
        } else {
            fate = Self.journey(placedAt: placedAt, service: service, transitRange: transitRange, to: customer, index: index, random: &random)
        }
    }

    /// What can go wrong on the road, and how many parcels in a hundred it happens to.
    private enum Mishap: CaseIterable {
        case none, exception, failedAttempt, pickUpPoint, lost

        var share: Double {
            switch self {
            case .none: 91.5
            case .exception, .failedAttempt: 3
            case .pickUpPoint: 2
            case .lost: 0.5
            }
        }
    }

    /// The label on the hand-off day's morning and the pick-up that afternoon, a hub scan each
    /// night on the road, out for delivery in the morning and delivered during the day, with the
    /// odd exception (a day or two late), failed attempt (delivered the next day), parcel left at
    /// a pick-up point (collected within three days) or parcel lost (the alert stays open).
    private static func journey(placedAt: Date, service: CarrierService, transitRange range: ClosedRange<Int>, to customer: Buyer, index: Int,
                                random: inout DemoRandom) -> Fate {
        let shop = DemoShop.warehouse
        let handlingDays = max(0, shop.handlingDays + [-1, 0, 1, 2][random.pick([10, 80, 8, 2])])
        let handOffDay = shop.workingDays.advance(shop.handlingStart(forOrderPlacedAt: placedAt), by: handlingDays)
        // Earlier days in the configured range likelier, and now and then a day past it.
        var transitDays = random.chance(0.03) ? range.upperBound + 1 : range.lowerBound + random.pick(range.map { Double(range.upperBound - $0 + 1) })
        let mishap = Mishap.allCases[random.pick(Mishap.allCases.map(\.share))]
        if mishap == .exception { transitDays += 1 + random.pick([2, 1]) }

        var scans: [TrackingEventDraft] = []
        func scan(_ status: TrackingStatus, _ substatus: TrackingSubstatus? = nil, on day: LocalDate, at minutes: Int, inCity city: String? = nil) {
            let text = substatus?.rawValue ?? status.rawValue
            scans.append(TrackingEventDraft(
                status: status, substatus: substatus, carrierStatusCode: status.rawValue.uppercased(),
                carrierStatusText: text.replacingOccurrences(of: "_", with: " ").capitalized,
                location: EventLocation(city: city ?? "Bucharest", region: nil, postalCode: nil, country: city == nil ? "RO" : customer.country),
                // (A label printed for an order placed that morning comes after the order.)
                occurredAt: max(day.instant(atMinute: minutes, in: shop.timeZone), placedAt.addingTimeInterval(Double(scans.count + 1) * 600)),
                carrierEventId: "demo-\(index)-\(scans.count)"))
        }
        scan(.infoReceived, on: handOffDay, at: 9 * 60 + random.minutes(180))
        scan(.inTransit, on: handOffDay, at: 16 * 60 + random.minutes(150))
        var day = handOffDay
        for step in 1...transitDays {
            day = service.deliveryDays.advance(day, by: 1)
            if step < transitDays { scan(.inTransit, on: day, at: 2 * 60 + random.minutes(180)) }  // through a hub at night
            guard step == 1 else { continue }
            if mishap == .lost {
                scan(.exception, .lost, on: day, at: 11 * 60 + random.minutes(120))
                return .shipped(scans: scans)
            }
            if mishap == .exception {
                scan(.exception, [.weatherDelay, .carrierDelay, .addressIssue][index % 3], on: day, at: 11 * 60 + random.minutes(120))
            }
        }
        scan(.outForDelivery, on: day, at: 7 * 60 + 30 + random.minutes(90), inCity: customer.city)
        switch mishap {
        case .failedAttempt:
            scan(.attemptedDelivery, .recipientUnavailable, on: day, at: 12 * 60 + random.minutes(240), inCity: customer.city)
            day = service.deliveryDays.advance(day, by: 1)
            scan(.outForDelivery, on: day, at: 7 * 60 + 30 + random.minutes(90), inCity: customer.city)
            scan(.delivered, on: day, at: 10 * 60 + random.minutes(480), inCity: customer.city)
        case .pickUpPoint:
            scan(.attemptedDelivery, .recipientUnavailable, on: day, at: 12 * 60 + random.minutes(240), inCity: customer.city)
            scan(.availableForPickup, on: day, at: 17 * 60 + random.minutes(60), inCity: customer.city)
            scan(.delivered, .deliveredToPickupPoint, on: day.adding(days: 1 + random.pick([3, 2, 1])), at: 10 * 60 + random.minutes(600),
                 inCity: customer.city)
        default:
            scan(.delivered, on: day, at: 10 * 60 + random.minutes(480), inCity: customer.city)
        }
        return .shipped(scans: scans)
    }
}

/// SplitMix64: the same numbers for the same seed on every machine and every run.
struct DemoRandom {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed &* 0x9e37_79b9_7f4a_7c15 &+ 0x2545_f491_4f6c_dd1d
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// In [0, 1).
    mutating func unit() -> Double {
        Double(next() >> 11) / 9_007_199_254_740_992  // 2^53
    }

    mutating func chance(_ probability: Double) -> Bool {
        unit() < probability
    }

    /// An index into `weights`, each as likely as its weight.
    mutating func pick(_ weights: [Double]) -> Int {
        var remaining = unit() * weights.reduce(0, +)
        for (index, weight) in weights.enumerated() {
            remaining -= weight
            if remaining < 0 { return index }
        }
        return weights.count - 1
    }

    /// Whole minutes in [0, `span`).
    mutating func minutes(_ span: Int) -> Int {
        Int(unit() * Double(span))
    }
}
