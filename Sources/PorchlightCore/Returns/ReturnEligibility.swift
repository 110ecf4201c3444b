import Foundation

/// Why a line cannot be returned (more of it).
public enum ReturnIneligibility: String, Sendable, CaseIterable {
    case finalSale = "final_sale"
    case windowClosed = "window_closed"
    case notDelivered = "not_delivered"
    /// Every unit that arrived has been returned.
    case alreadyReturned = "already_returned"
    /// Every unit that arrived is returned or in a return still under way.
    case returnOpen = "return_open"
}

/// What a line's return deadline counts from.
public enum ReturnDeadlineBasis: String, Sendable {
    /// The last delivery of a shipment carrying the line.
    case delivery
    /// A shipment the carrier last reported moving (in transit, out for delivery) and then fell
    /// silent about: its hand-off plus the policy's transit buffer. A parcel with an exception, a
    /// failed attempt, waiting at a pickup point or sent back has not arrived.
    case handOffPlusTransit = "hand_off_plus_transit"
    /// The order was placed in the policy's holiday range.
    case holidayExtension = "holiday_extension"
}

/// Whether, how much of, and until when one order line can be returned.
public struct LineEligibility: Sendable, Equatable {
    public var sku: String
    /// Ordered and not cancelled.
    public var purchasedQuantity: Int
    /// Delivered, or counted as delivered (`ReturnDeadlineBasis.handOffPlusTransit`).
    public var arrivedQuantity: Int
    public var returnableQuantity: Int
    /// The last day to return it, in the policy's time zone, and the instant it ends.
    public var lastDay: LocalDate?
    public var deadline: Date?
    public var countedFrom: ReturnDeadlineBasis?
    /// Nil when some of the line can be returned.
    public var reason: ReturnIneligibility?

    public var isReturnable: Bool { reason == nil }
}

public enum ReturnEligibility {
    /// Each line of `order` under `policy` at `now`, less the units its live returns hold.
    public static func lines(of order: OrderRecord, policy: ReturnPolicy, now: Date) -> [LineEligibility] {
        let (held, underWay) = (ReturnRules.heldUnits(order.returns), ReturnRules.unitsUnderWay(order.returns))
        return order.lines.map { line in
            let purchased = line.quantity - line.cancelledQuantity
            var result = LineEligibility(sku: line.sku, purchasedQuantity: purchased, arrivedQuantity: 0, returnableQuantity: 0)
            let finalSale = line.finalSale || policy.finalSaleSKUs.contains(line.sku) || line.category.map(policy.finalSaleCategories.contains) == true
            // The units that arrived, each shipment's from the day it arrived (or is taken to have).
            var arrivals: [(day: LocalDate, basis: ReturnDeadlineBasis)] = []
            for shipment in order.shipments {
                guard let quantity = shipment.lines.first(where: { $0.sku == line.sku })?.quantity else { continue }
                if shipment.status == .delivered, let deliveredAt = shipment.deliveredAt {
                    arrivals.append((LocalDate(deliveredAt, in: policy.timeZone), .delivery))
                    result.arrivedQuantity += quantity
                } else if shipment.status == .inTransit || shipment.status == .outForDelivery, let shippedAt = shipment.shippedAt,
                          case let assumed = LocalDate(shippedAt, in: policy.timeZone).adding(days: policy.transitBufferDays),
                          assumed <= LocalDate(now, in: policy.timeZone) {
                    arrivals.append((assumed, .handOffPlusTransit))
                    result.arrivedQuantity += quantity
                }
            }
            result.arrivedQuantity = min(result.arrivedQuantity, purchased)
            if finalSale {
                result.reason = .finalSale
                return result
            }
            // The window runs from the last arrival, so that no unit's window is cut short.
            guard let last = arrivals.max(by: { $0.day < $1.day }), result.arrivedQuantity > 0 else {
                result.reason = .notDelivered
                return result
            }
            var (lastDay, basis) = (last.day.adding(days: policy.windowDays), last.basis)
            if let holiday = policy.holidayExtension, case let placed = LocalDate(order.placedAt, in: policy.timeZone),
               holiday.placedFrom <= placed, placed <= holiday.placedThrough, holiday.returnableThrough > lastDay {
                (lastDay, basis) = (holiday.returnableThrough, .holidayExtension)
            }
            let deadline = lastDay.adding(days: 1).instant(atMinute: 0, in: policy.timeZone)
            (result.lastDay, result.deadline, result.countedFrom) = (lastDay, deadline, basis)
            result.returnableQuantity = max(0, result.arrivedQuantity - (held[line.sku] ?? 0))
            if now >= deadline {
                result.returnableQuantity = 0
                result.reason = .windowClosed
            } else if result.returnableQuantity == 0 {
                result.reason = underWay[line.sku] ?? 0 > 0 ? .returnOpen : .alreadyReturned
            }
            return result
        }
    }
}

extension LineEligibility {
    init(sku: String, purchasedQuantity: Int, arrivedQuantity: Int, returnableQuantity: Int) {
        self.init(sku: sku, purchasedQuantity: purchasedQuantity, arrivedQuantity: arrivedQuantity, returnableQuantity: returnableQuantity,
                  lastDay: nil, deadline: nil, countedFrom: nil, reason: nil)
    }
}

/// One sentence about a line's eligibility that a chatbot can read out, in the customer's language.
public enum ReturnEligibilityMessage {
    public static func sentence(_ line: LineEligibility, in language: CustomerLanguage) -> String {
        let day = line.lastDay.map(language.format) ?? ""
        switch (line.reason, language) {
        case (nil, .en): return "You can return this item until \(day)."
        case (nil, .es): return "Puedes devolver este artículo hasta el \(day)."
        case (nil, .ro): return "Poți returna acest produs până la \(day)."
        case (nil, .id): return "Anda dapat mengembalikan barang ini hingga \(day)."
        case (nil, .ru): return "Вы можете вернуть этот товар до \(day)."
        case (nil, .zhHans): return "您可以在\(day)前退回此商品。"
        case (nil, .ptBR): return "Você pode devolver este item até \(day)."
        case (nil, .de): return "Sie können diesen Artikel bis \(day) zurückgeben."
        case (nil, .fr): return "Vous pouvez retourner cet article jusqu’au \(day)."
        case (nil, .it): return "Puoi restituire questo articolo entro \(day)."
        case (nil, .pl): return "Możesz zwrócić ten produkt do \(day)."
        case (nil, .tr): return "Bu ürünü \(day) gününe kadar iade edebilirsiniz."
        case (nil, .nl): return "Je kunt dit artikel tot en met \(day) retourneren."
        case (.finalSale?, .en): return "This item was sold as final sale and cannot be returned."
        case (.finalSale?, .es): return "Este artículo se vendió como venta final y no admite devolución."
        case (.finalSale?, .ro): return "Acest produs a fost vândut fără drept de retur."
        case (.finalSale?, .id): return "Barang ini dijual sebagai obral akhir dan tidak dapat dikembalikan."
        case (.finalSale?, .ru): return "Этот товар продан без права возврата."
        case (.finalSale?, .zhHans): return "此商品为最终销售商品，不可退货。"
        case (.finalSale?, .ptBR): return "Este item foi vendido sem possibilidade de devolução."
        case (.finalSale?, .de): return "Dieser Artikel wurde ohne Rückgaberecht verkauft."
        case (.finalSale?, .fr): return "Cet article a été vendu sans possibilité de retour."
        case (.finalSale?, .it): return "Questo articolo è stato venduto senza possibilità di reso."
        case (.finalSale?, .pl): return "Ten produkt został sprzedany bez możliwości zwrotu."
        case (.finalSale?, .tr): return "Bu ürün iade hakkı olmadan satıldı."
        case (.finalSale?, .nl): return "Dit artikel is verkocht zonder mogelijkheid tot retourneren."
        case (.windowClosed?, .en): return "The return window for this item closed at the end of \(day)."
        case (.windowClosed?, .es): return "El plazo de devolución de este artículo terminó el \(day)."
        case (.windowClosed?, .ro): return "Termenul de retur pentru acest produs s-a încheiat la \(day)."
        case (.windowClosed?, .id): return "Batas waktu pengembalian barang ini berakhir pada \(day)."
        case (.windowClosed?, .ru): return "Срок возврата этого товара истёк \(day)."
        case (.windowClosed?, .zhHans): return "此商品的退货期限已于\(day)结束。"
        case (.windowClosed?, .ptBR): return "O prazo de devolução deste item foi até \(day)."
        case (.windowClosed?, .de): return "Die Rückgabefrist für diesen Artikel endete am \(day)."
        case (.windowClosed?, .fr): return "Le délai de retour de cet article a pris fin le \(day)."
        case (.windowClosed?, .it): return "Il periodo di reso per questo articolo è terminato \(day)."
        case (.windowClosed?, .pl): return "Termin zwrotu tego produktu minął \(day)."
        case (.windowClosed?, .tr): return "Bu ürünün iade süresi \(day) günü sona erdi."
        case (.windowClosed?, .nl): return "De retourtermijn voor dit artikel liep tot en met \(day)."
        case (.notDelivered?, .en): return "This item can be returned once it has been delivered."
        case (.notDelivered?, .es): return "Podrás devolver este artículo cuando se haya entregado."
        case (.notDelivered?, .ro): return "Poți returna acest produs după ce a fost livrat."
        case (.notDelivered?, .id): return "Barang ini dapat dikembalikan setelah diterima."
        case (.notDelivered?, .ru): return "Этот товар можно будет вернуть после доставки."
        case (.notDelivered?, .zhHans): return "此商品送达后即可退货。"
        case (.notDelivered?, .ptBR): return "Você poderá devolver este item depois que ele for entregue."
        case (.notDelivered?, .de): return "Sie können diesen Artikel zurückgeben, sobald er zugestellt wurde."
        case (.notDelivered?, .fr): return "Vous pourrez retourner cet article une fois qu’il aura été livré."
        case (.notDelivered?, .it): return "Potrai restituire questo articolo dopo che sarà stato consegnato."
        case (.notDelivered?, .pl): return "Ten produkt będzie można zwrócić po jego doręczeniu."
        case (.notDelivered?, .tr): return "Bu ürünü teslim edildikten sonra iade edebilirsiniz."
        case (.notDelivered?, .nl): return "Je kunt dit artikel retourneren zodra het is bezorgd."
        case (.alreadyReturned?, .en): return "This item has already been returned."
        case (.alreadyReturned?, .es): return "Este artículo ya se ha devuelto."
        case (.alreadyReturned?, .ro): return "Acest produs a fost deja returnat."
        case (.alreadyReturned?, .id): return "Barang ini sudah dikembalikan."
        case (.alreadyReturned?, .ru): return "Этот товар уже возвращён."
        case (.alreadyReturned?, .zhHans): return "此商品已退货。"
        case (.alreadyReturned?, .ptBR): return "Este item já foi devolvido."
        case (.alreadyReturned?, .de): return "Dieser Artikel wurde bereits zurückgegeben."
        case (.alreadyReturned?, .fr): return "Cet article a déjà été retourné."
        case (.alreadyReturned?, .it): return "Questo articolo è già stato restituito."
        case (.alreadyReturned?, .pl): return "Ten produkt został już zwrócony."
        case (.alreadyReturned?, .tr): return "Bu ürün zaten iade edildi."
        case (.alreadyReturned?, .nl): return "Dit artikel is al geretourneerd."
        case (.returnOpen?, .en): return "A return of this item is already under way."
        case (.returnOpen?, .es): return "Ya hay una devolución de este artículo en curso."
        case (.returnOpen?, .ro): return "Există deja un retur în curs pentru acest produs."
        case (.returnOpen?, .id): return "Pengembalian barang ini sedang diproses."
        case (.returnOpen?, .ru): return "Возврат этого товара уже оформлен."
        case (.returnOpen?, .zhHans): return "此商品的退货正在处理中。"
        case (.returnOpen?, .ptBR): return "Já existe uma devolução deste item em andamento."
        case (.returnOpen?, .de): return "Für diesen Artikel läuft bereits eine Rückgabe."
        case (.returnOpen?, .fr): return "Un retour de cet article est déjà en cours."
        case (.returnOpen?, .it): return "È già in corso un reso per questo articolo."
        case (.returnOpen?, .pl): return "Zwrot tego produktu jest już w toku."
        case (.returnOpen?, .tr): return "Bu ürün için devam eden bir iade zaten var."
        case (.returnOpen?, .nl): return "Er loopt al een retour voor dit artikel."
        }
    }
}
