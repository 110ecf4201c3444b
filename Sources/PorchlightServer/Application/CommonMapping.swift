import PorchlightAPI
import PorchlightCore

// Mappings that belong to no one capability: types several capabilities' contracts use (a country in
// every address; the customer's language in messages, the page, disruptions and promises; who submitted
// a review or a return).
//
// Each capability maps its own types in `<Capability>/<Capability>Mapping.swift`. Conversions between
// a Core enum and its generated twin are written one per direction in use, as exhaustive switches, so
// a case added on either side fails to compile there instead of failing at run time.

extension Components.Schemas.CountryCode {
    /// A country code that Core checked (on its way in, or before it was stored). Core accepts only
    /// the codes this enum lists (`ISOCodes.countries`), so another value means drift.
    init(checked code: String) throws {
        guard let known = Self(rawValue: code) else { throw UnknownCountry(code: code) }
        self = known
    }

    struct UnknownCountry: Error, CustomStringConvertible {
        var code: String
        var description: String { "country code '\(code)' passed Core's check but is not in the contract's CountryCode" }
    }
}

extension CustomerLanguage {
    init(_ language: Components.Schemas.MessageLanguage) {
        self = switch language {
        case .en: .en
        case .es: .es
        case .ro: .ro
        case .id: .id
        case .ru: .ru
        case .zhHans: .zhHans
        case .ptBR: .ptBR
        case .de: .de
        case .fr: .fr
        case .it: .it
        case .pl: .pl
        case .tr: .tr
        case .nl: .nl
        }
    }
}

extension Components.Schemas.MessageLanguage {
    init(_ language: CustomerLanguage) {
        self = switch language {
        case .en: .en
        case .es: .es
        case .ro: .ro
        case .id: .id
        case .ru: .ru
        case .zhHans: .zhHans
        case .ptBR: .ptBR
        case .de: .de
        case .fr: .fr
        case .it: .it
        case .pl: .pl
        case .tr: .tr
        case .nl: .nl
        }
    }
}

extension Components.Schemas.Submitter {
    init(_ submitter: Submitter) {
        self = switch submitter {
        case .customer: .customer
        case .merchant: .merchant
        }
    }
}
