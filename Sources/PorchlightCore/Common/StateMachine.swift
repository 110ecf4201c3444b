import Foundation

/// The states of one machine, with every move allowed between them in one table. A record holds
/// its state as `private(set)` and changes it only with `move(to:)`, so no caller can make a move
/// the table does not list; the tests check every pair of states against the table.
public protocol StateMachine: Hashable, CaseIterable, Sendable {
    /// The states each state may move to. A state that moves nowhere is final; staying put is
    /// not a move.
    static var allowed: [Self: Set<Self>] { get }
    /// What a refusal says is in this state, e.g. "The review".
    static var subject: String { get }
    /// The state as the API names it.
    var name: String { get }
}

extension StateMachine where Self: RawRepresentable, RawValue == String {
    public var name: String { rawValue }
}

extension StateMachine {
    public func canMove(to next: Self) -> Bool {
        Self.allowed[self]?.contains(next) == true
    }

    /// Refuses a move the table does not allow with a conflict (409) that names the current state.
    public func checkMove(to next: Self) throws(DomainError) {
        guard canMove(to: next) else { throw .conflict("\(Self.subject) is \(name); it cannot become \(next.name).") }
    }

    public mutating func move(to next: Self) throws(DomainError) {
        try checkMove(to: next)
        self = next
    }
}
