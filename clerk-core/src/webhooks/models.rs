//! The `data` of the webhook events: the Backend API's own models where the shapes are the same
//! (users, organizations, memberships, organization domains, roles, permissions, waitlist
//! entries, re-exported here), and models of their own for the others: sessions with their user,
//! organization invitations with the organization's public data, emails and SMS messages, and
//! billing.
//!
//! Like the [`api`](crate::api) models they are tolerant: unknown fields are ignored, absent
//! fields take their default, nullable fields are `Option`, string enums keep values they do not
//! know in `Unknown(String)`, and times are Unix milliseconds.
//!
//! ```
//! use clerk_core::webhooks::Permission;
//!
//! let p: Permission = serde_json::from_str(
//!     r#"{"object":"permission","id":"perm_1","key":"org:posts:create","type":"custom","new":1}"#,
//! )?;
//! assert_eq!(p.key, "org:posts:create");
//! assert_eq!(p.type_, "custom");
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::models::string_enum;
use crate::api::{OrganizationInvitation, Session, User};
// The events whose data is a Backend API object carry the API's own model.
pub use crate::api::models::{
    OrganizationDomain, OrganizationDomainEnrollmentMode, OrganizationDomainVerification,
    Permission, Role, WaitlistEntry, WaitlistEntryStatus,
};

/// The `data` of the `session.*` events: the session and its user.
///
/// ```
/// use clerk_core::webhooks::SessionEvent;
///
/// let s: SessionEvent = serde_json::from_str(
///     r#"{"object":"session","id":"sess_1","user_id":"user_1","status":"pending","user":{"id":"user_1"}}"#,
/// )?;
/// assert_eq!(s.session.id, "sess_1");
/// assert_eq!(s.user.map(|u| u.id).as_deref(), Some("user_1"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SessionEvent {
    /// The session.
    #[serde(flatten)]
    pub session: Session,
    /// The session's user (absent or `null` in some deliveries).
    pub user: Option<User>,
}

/// The `data` of `organizationInvitation.*` events: the invitation, the public data of its
/// organization and, once accepted, the user who accepted it.
///
/// ```
/// use clerk_core::webhooks::OrganizationInvitationEvent;
///
/// let i: OrganizationInvitationEvent = serde_json::from_str(
///     r#"{"object":"organization_invitation","id":"orginv_1","status":"accepted","user_id":"user_1"}"#,
/// )?;
/// assert_eq!(i.invitation.id, "orginv_1");
/// assert_eq!(i.user_id.as_deref(), Some("user_1"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct OrganizationInvitationEvent {
    /// The invitation.
    #[serde(flatten)]
    pub invitation: OrganizationInvitation,
    /// Public data of the organization the invitation is for.
    pub public_organization_data: Option<PublicOrganizationData>,
    /// The user who accepted the invitation (`organizationInvitation.accepted`).
    pub user_id: Option<String>,
}

/// Public data of an organization, as attached to invitations and domains.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PublicOrganizationData {
    /// The organization id, e.g. `org_...`.
    pub id: String,
    /// The name.
    pub name: String,
    /// The slug.
    pub slug: Option<String>,
    /// The logo URL.
    pub image_url: Option<String>,
    /// Whether a logo was uploaded.
    pub has_image: bool,
}

/// The `data` of the `email.created` event: an email Clerk sent, or asks you to send when
/// `delivered_by_clerk` is `false`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct EmailEvent {
    /// Always `"email"`.
    pub object: String,
    /// The id, e.g. `ema_...`.
    pub id: String,
    /// The template, e.g. `"verification_code"`.
    pub slug: Option<String>,
    /// The sender's name.
    pub from_email_name: Option<String>,
    /// The reply-to name.
    pub reply_to_email_name: Option<String>,
    /// The recipient.
    pub to_email_address: Option<String>,
    /// The recipient's email address id.
    pub email_address_id: Option<String>,
    /// The recipient's user id.
    pub user_id: Option<String>,
    /// The subject.
    pub subject: Option<String>,
    /// The HTML body.
    pub body: Option<String>,
    /// The plain-text body.
    pub body_plain: Option<String>,
    /// The delivery status, e.g. `"queued"`.
    pub status: Option<String>,
    /// The template's variables (raw JSON).
    pub data: Value,
    /// Whether Clerk delivers it (`false`: your app must send it).
    pub delivered_by_clerk: bool,
}

/// The `data` of the `sms.created` event.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SmsEvent {
    /// Always `"sms_message"`.
    pub object: String,
    /// The id, e.g. `sms_...`.
    pub id: String,
    /// The template, e.g. `"verification_code"`.
    pub slug: Option<String>,
    /// The sender.
    pub from_phone_number: String,
    /// The recipient.
    pub to_phone_number: String,
    /// The recipient's phone number id.
    pub phone_number_id: Option<String>,
    /// The recipient's user id.
    pub user_id: Option<String>,
    /// The text.
    pub message: String,
    /// The delivery status, e.g. `"queued"`.
    pub status: String,
    /// The template's variables (raw JSON).
    pub data: Value,
    /// Whether Clerk delivers it (`false`: your app must send it).
    pub delivered_by_clerk: bool,
    /// Creation (Unix ms), as the examples of Clerk's event catalogue name it.
    pub created_at: Option<i64>,
    /// Creation (Unix ms), as the schema of Clerk's event catalogue names it.
    pub created_at_ms: Option<i64>,
}

/// An amount of money.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingAmount {
    /// In the currency's smallest unit, e.g. cents.
    pub amount: i64,
    /// Formatted, e.g. `"$20.00"`.
    pub amount_formatted: String,
    /// ISO code, e.g. `"USD"`.
    pub currency: String,
    /// Symbol, e.g. `"$"`.
    pub currency_symbol: String,
}

/// Who pays: a user, or an organization.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingPayer {
    /// `"commerce_payer"` when present.
    pub object: Option<String>,
    /// The id, e.g. `cpayer_...`.
    pub id: String,
    /// The paying user.
    pub user_id: Option<String>,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// The paying organization (empty for a user).
    pub organization_id: Option<String>,
    /// The paying organization's name.
    pub organization_name: Option<String>,
    /// Image URL.
    pub image_url: Option<String>,
    /// Creation (Unix ms).
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    pub updated_at: Option<i64>,
}

/// One price tier of a [`BillingUnitPrice`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingUnitPriceTier {
    /// First block of the tier.
    pub starts_at_block: i64,
    /// Last block of the tier (`None`: unbounded).
    pub ends_after_block: Option<i64>,
    /// Price per block, in the smallest unit.
    pub amount_per_block: i64,
    /// ISO currency code.
    pub currency: String,
}

/// A per-unit price of a [`BillingPlan`], e.g. per seat.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingUnitPrice {
    /// The unit, e.g. `"seats"`.
    pub name: String,
    /// Units per block.
    pub block_size: i64,
    /// The tiers.
    pub tiers: Vec<BillingUnitPriceTier>,
}

/// A subscription plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingPlan {
    /// The id, e.g. `cplan_...`.
    pub id: String,
    /// The slug.
    pub slug: String,
    /// The name.
    pub name: String,
    /// Whether it renews.
    pub is_recurring: bool,
    /// The base price, in the smallest unit.
    pub amount: i64,
    /// ISO currency code.
    pub currency: String,
    /// Per-unit prices.
    pub unit_prices: Vec<BillingUnitPrice>,
}

/// Seats of a subscription item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingSeats {
    /// The number of seats.
    pub quantity: Option<i64>,
}

string_enum! {
    /// The status of a subscription item.
    pub enum SubscriptionItemStatus {
        /// Abandoned before it started.
        Abandoned = "abandoned",
        /// Active.
        Active = "active",
        /// Canceled; active until the period ends.
        Canceled = "canceled",
        /// Ended.
        Ended = "ended",
        /// Expired.
        Expired = "expired",
        /// Payment not completed.
        Incomplete = "incomplete",
        /// Payment overdue.
        PastDue = "past_due",
        /// Starts at the next period.
        Upcoming = "upcoming",
    }
}

/// The `data` of the `subscriptionItem.*` events, and an item of a [`SubscriptionEvent`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SubscriptionItemEvent {
    /// `"commerce_subscription_item"` (or `"subscription_item"`).
    pub object: String,
    /// The id, e.g. `csub_item_...`.
    pub id: String,
    /// The status.
    pub status: SubscriptionItemStatus,
    /// Whether it is a free trial.
    pub is_free_trial: bool,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// Period start (Unix ms).
    pub period_start: Option<i64>,
    /// Period end (Unix ms).
    pub period_end: Option<i64>,
    /// The billing interval, e.g. `"month"`.
    pub interval: Option<String>,
    /// The plan id.
    pub plan_id: Option<String>,
    /// The plan.
    pub plan: Option<BillingPlan>,
    /// Who pays.
    pub payer: Option<BillingPayer>,
    /// The subscription this item belongs to.
    pub subscription_id: Option<String>,
    /// The seats.
    pub seats: Option<BillingSeats>,
}

string_enum! {
    /// The status of a subscription.
    pub enum SubscriptionStatus {
        /// Active.
        Active = "active",
        /// Payment overdue.
        PastDue = "past_due",
        /// Canceled.
        Canceled = "canceled",
        /// Ended.
        Ended = "ended",
        /// Abandoned.
        Abandoned = "abandoned",
        /// Payment not completed.
        Incomplete = "incomplete",
    }
}

/// The `data` of the `subscription.*` events.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SubscriptionEvent {
    /// Always `"commerce_subscription"`.
    pub object: String,
    /// The id, e.g. `csub_...`.
    pub id: String,
    /// The status.
    pub status: SubscriptionStatus,
    /// When it became active (Unix ms).
    pub active_at: Option<i64>,
    /// When it was canceled (Unix ms).
    pub canceled_at: Option<i64>,
    /// When it ended (Unix ms).
    pub ended_at: Option<i64>,
    /// When it became past due (Unix ms).
    pub past_due_at: Option<i64>,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// The latest payment.
    pub latest_payment_id: Option<String>,
    /// The payer's id.
    pub payer_id: String,
    /// Who pays.
    pub payer: Option<BillingPayer>,
    /// The payment source.
    pub payment_source_id: Option<String>,
    /// The items.
    pub items: Vec<SubscriptionItemEvent>,
}

/// Why a payment failed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingPaymentFailedReason {
    /// The code.
    pub code: String,
    /// The card issuer's decline code.
    pub decline_code: Option<String>,
}

/// Who is paid.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingPayee {
    /// The id, e.g. `cpayee_...`.
    pub id: String,
    /// The gateway, e.g. `"stripe"`.
    pub gateway_type: String,
    /// The account at the gateway.
    pub gateway_external_id: String,
    /// The gateway account status.
    pub gateway_status: String,
}

/// The total of one unit price in [`BillingTotals`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingUnitTotal {
    /// The unit, e.g. `"seats"`.
    pub name: Option<String>,
    /// Price per unit.
    pub amount: Option<i64>,
    /// Units.
    pub quantity: Option<i64>,
    /// Total.
    pub total: Option<i64>,
    /// ISO currency code.
    pub currency: Option<String>,
}

/// The totals of a payment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingTotals {
    /// Before tax.
    pub subtotal: Option<BillingAmount>,
    /// Tax.
    pub tax_total: Option<BillingAmount>,
    /// Total.
    pub grand_total: Option<BillingAmount>,
    /// Per-unit totals.
    pub per_unit_totals: Vec<BillingUnitTotal>,
}

/// A payment method.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingPaymentSource {
    /// The id, e.g. `cps_...`.
    pub id: String,
    /// The gateway, e.g. `"stripe"`.
    pub gateway: String,
    /// The method at the gateway.
    pub gateway_external_id: String,
    /// The account at the gateway.
    pub gateway_external_account_id: Option<String>,
    /// `"card"` or `"link"`.
    pub payment_method: String,
    /// `"active"` or `"disconnected"`.
    pub status: String,
    /// The card brand.
    pub card_type: Option<String>,
    /// The card's last four digits.
    pub last4: Option<String>,
}

/// A credit against a subscription item.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingSubscriptionCredit {
    /// The amount.
    pub amount: Option<BillingAmount>,
    /// Days left in the cycle.
    pub cycle_days_remaining: i64,
    /// Days in the cycle.
    pub cycle_days_total: i64,
    /// The share of the cycle left.
    pub cycle_remaining_percent: f64,
}

/// A credit from the payer's balance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingSubscriptionPayerCredit {
    /// Applied to this payment.
    pub applied_amount: Option<BillingAmount>,
    /// Left on the balance.
    pub remaining_balance: Option<BillingAmount>,
}

/// The credits against a subscription item.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingSubscriptionCredits {
    /// Proration credit.
    pub proration: Option<BillingSubscriptionCredit>,
    /// Balance credit.
    pub payer: Option<BillingSubscriptionPayerCredit>,
    /// Total credit.
    pub total: Option<BillingAmount>,
}

/// A subscription item paid by a [`PaymentAttemptEvent`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BillingSubscriptionItem {
    /// The id, e.g. `csub_item_...`.
    pub id: String,
    /// `"commerce_subscription_item"` when present.
    pub object: Option<String>,
    /// The status.
    pub status: SubscriptionItemStatus,
    /// The billing interval, as the schema names it.
    pub interval: Option<String>,
    /// The billing interval, as the examples name it.
    pub plan_period: Option<String>,
    /// Period start (Unix ms).
    pub period_start: Option<i64>,
    /// Period end (Unix ms).
    pub period_end: Option<i64>,
    /// The plan id.
    pub plan_id: Option<String>,
    /// The plan.
    pub plan: Option<BillingPlan>,
    /// The price of the period.
    pub amount: Option<BillingAmount>,
    /// Who pays.
    pub payer: Option<BillingPayer>,
    /// The subscription.
    pub subscription_id: Option<String>,
    /// Single credit (older shape).
    pub credit: Option<BillingSubscriptionCredit>,
    /// Credits.
    pub credits: Option<BillingSubscriptionCredits>,
    /// Creation (Unix ms).
    pub created_at: Option<i64>,
    /// Last update (Unix ms).
    pub updated_at: Option<i64>,
}

string_enum! {
    /// The status of a payment attempt.
    pub enum PaymentAttemptStatus {
        /// In progress.
        Pending = "pending",
        /// Paid.
        Paid = "paid",
        /// Failed.
        Failed = "failed",
    }
}

/// The `data` of `paymentAttempt.created` and `.updated`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PaymentAttemptEvent {
    /// The id, e.g. `pa_...`.
    pub id: String,
    /// The instance.
    pub instance_id: Option<String>,
    /// The payment.
    pub payment_id: Option<String>,
    /// The invoice.
    pub invoice_id: Option<String>,
    /// The statement.
    pub statement_id: Option<String>,
    /// The payment at the gateway.
    pub gateway_external_id: Option<String>,
    /// The status.
    pub status: PaymentAttemptStatus,
    /// Creation (Unix ms).
    pub created_at: i64,
    /// Last update (Unix ms).
    pub updated_at: i64,
    /// When it was paid (Unix ms).
    pub paid_at: Option<i64>,
    /// When it failed (Unix ms).
    pub failed_at: Option<i64>,
    /// Why it failed.
    pub failed_reason: Option<BillingPaymentFailedReason>,
    /// The billing date (Unix ms).
    pub billing_date: Option<i64>,
    /// `"checkout"` or `"recurring"`.
    pub charge_type: String,
    /// Who is paid.
    pub payee: Option<BillingPayee>,
    /// Who pays.
    pub payer: Option<BillingPayer>,
    /// The totals.
    pub totals: Option<BillingTotals>,
    /// The payment method.
    pub payment_source: Option<BillingPaymentSource>,
    /// What is paid for.
    pub subscription_items: Vec<BillingSubscriptionItem>,
}
