/// Who sent something on an order's behalf (a review, a return): the customer with their token,
/// or the merchant with an API key (its own form, or its support staff).
public enum Submitter: String, Sendable {
    case customer, merchant
}
