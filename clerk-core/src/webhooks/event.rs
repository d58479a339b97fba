//! [`WebhookEvent`] (the envelope of every delivery), [`EventType`] and the typed
//! [`ClerkEvent`].

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::error::{WebhookError, WebhookErrorKind};
use super::models::{
    EmailEvent, OrganizationDomain, OrganizationInvitationEvent, PaymentAttemptEvent, Permission,
    Role, SessionEvent, SmsEvent, SubscriptionEvent, SubscriptionItemEvent, WaitlistEntry,
};
use crate::api::models::string_enum;
use crate::api::{DeletedObject, Organization, OrganizationMembership, User};

/// Declares [`EventType`] and [`ClerkEvent`] from one table, so the two cannot drift apart.
macro_rules! events {
    ($( $(#[$doc:meta])* $variant:ident($payload:ty) = $wire:literal, )*) => {
        string_enum! {
            /// The `type` of a webhook event, e.g. `user.created`. Types this version does not
            /// know are kept in `Unknown`.
            ///
            /// ```
            /// use clerk_core::EventType;
            ///
            /// assert_eq!(EventType::from("session.pending"), EventType::SessionPending);
            /// assert_eq!(EventType::UserCreated.as_str(), "user.created");
            /// assert_eq!(EventType::from("user.teleported"), EventType::Unknown("user.teleported".into()));
            /// ```
            pub enum EventType {
                $( $(#[$doc])* $variant = $wire, )*
            }
        }

        /// A webhook event with its `data` parsed into the model of its type, from
        /// [`WebhookEvent::typed`].
        ///
        /// New event types arrive as [`Other`](Self::Other), and the enum is
        /// `#[non_exhaustive]`: match the events you handle and answer `2xx` to the rest, or
        /// Svix retries them for days.
        ///
        /// ```
        /// use clerk_core::{ClerkEvent, WebhookEvent};
        ///
        /// let event: WebhookEvent = serde_json::from_str(
        ///     r#"{"type":"organization.deleted","object":"event","timestamp":1654012591835,
        ///         "instance_id":"ins_1","data":{"object":"organization","id":"org_1","deleted":true}}"#,
        /// )?;
        /// match event.typed()? {
        ///     ClerkEvent::OrganizationDeleted(deleted) => assert_eq!(deleted.id.as_deref(), Some("org_1")),
        ///     other => println!("not handled: {}", other.event_type()),
        /// }
        /// # Ok::<(), Box<dyn std::error::Error>>(())
        /// ```
        // One value per delivery, matched and dropped: boxing the large payloads would only make
        // the patterns noisier.
        #[allow(clippy::large_enum_variant)]
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ClerkEvent {
            $( $(#[$doc])* $variant($payload), )*
            /// An event type this version does not model, with its raw `data`.
            Other {
                /// The `type`, e.g. `"user.teleported"`.
                event_type: String,
                /// The raw `data`.
                data: Value,
            },
        }

        /// The wire names of every modelled event type, in the order of [`ClerkEvent`].
        const ALL_WIRE_NAMES: &[&str] = &[$($wire,)*];

        impl ClerkEvent {
            /// The event's `type`.
            ///
            /// ```
            /// use clerk_core::ClerkEvent;
            ///
            /// let e = ClerkEvent::Other { event_type: "x.y".into(), data: serde_json::Value::Null };
            /// assert_eq!(e.event_type(), "x.y");
            /// ```
            #[must_use]
            pub fn event_type(&self) -> &str {
                match self {
                    $( Self::$variant(_) => $wire, )*
                    Self::Other { event_type, .. } => event_type,
                }
            }

            fn from_data(event_type: &EventType, data: &Value) -> Result<Self, WebhookError> {
                match event_type {
                    $( EventType::$variant => parse_data(event_type, data).map(Self::$variant), )*
                    EventType::Unknown(other) => Ok(Self::Other {
                        event_type: other.clone(),
                        data: data.clone(),
                    }),
                }
            }
        }
    };
}

events! {
    /// `user.created`
    UserCreated(User) = "user.created",
    /// `user.updated`
    UserUpdated(User) = "user.updated",
    /// `user.deleted`
    UserDeleted(DeletedObject) = "user.deleted",
    /// `session.created`
    SessionCreated(SessionEvent) = "session.created",
    /// `session.pending`: the session waits for the user to complete a task.
    SessionPending(SessionEvent) = "session.pending",
    /// `session.ended`
    SessionEnded(SessionEvent) = "session.ended",
    /// `session.removed`
    SessionRemoved(SessionEvent) = "session.removed",
    /// `session.revoked`
    SessionRevoked(SessionEvent) = "session.revoked",
    /// `email.created`
    EmailCreated(EmailEvent) = "email.created",
    /// `sms.created`
    SmsCreated(SmsEvent) = "sms.created",
    /// `organization.created`
    OrganizationCreated(Organization) = "organization.created",
    /// `organization.updated`
    OrganizationUpdated(Organization) = "organization.updated",
    /// `organization.deleted`
    OrganizationDeleted(DeletedObject) = "organization.deleted",
    /// `organizationDomain.created`
    OrganizationDomainCreated(OrganizationDomain) = "organizationDomain.created",
    /// `organizationDomain.updated`
    OrganizationDomainUpdated(OrganizationDomain) = "organizationDomain.updated",
    /// `organizationDomain.deleted`
    OrganizationDomainDeleted(DeletedObject) = "organizationDomain.deleted",
    /// `organizationMembership.created`
    OrganizationMembershipCreated(OrganizationMembership) = "organizationMembership.created",
    /// `organizationMembership.updated`
    OrganizationMembershipUpdated(OrganizationMembership) = "organizationMembership.updated",
    /// `organizationMembership.deleted`: the membership as it was.
    OrganizationMembershipDeleted(OrganizationMembership) = "organizationMembership.deleted",
    /// `organizationInvitation.created`
    OrganizationInvitationCreated(OrganizationInvitationEvent) = "organizationInvitation.created",
    /// `organizationInvitation.accepted`
    OrganizationInvitationAccepted(OrganizationInvitationEvent) = "organizationInvitation.accepted",
    /// `organizationInvitation.revoked`
    OrganizationInvitationRevoked(OrganizationInvitationEvent) = "organizationInvitation.revoked",
    /// `role.created`
    RoleCreated(Role) = "role.created",
    /// `role.updated`
    RoleUpdated(Role) = "role.updated",
    /// `role.deleted`
    RoleDeleted(DeletedObject) = "role.deleted",
    /// `permission.created`
    PermissionCreated(Permission) = "permission.created",
    /// `permission.updated`
    PermissionUpdated(Permission) = "permission.updated",
    /// `permission.deleted`
    PermissionDeleted(DeletedObject) = "permission.deleted",
    /// `waitlistEntry.created`
    WaitlistEntryCreated(WaitlistEntry) = "waitlistEntry.created",
    /// `waitlistEntry.updated`
    WaitlistEntryUpdated(WaitlistEntry) = "waitlistEntry.updated",
    /// `subscription.created`
    SubscriptionCreated(SubscriptionEvent) = "subscription.created",
    /// `subscription.updated`
    SubscriptionUpdated(SubscriptionEvent) = "subscription.updated",
    /// `subscription.active`
    SubscriptionActive(SubscriptionEvent) = "subscription.active",
    /// `subscription.pastDue`
    SubscriptionPastDue(SubscriptionEvent) = "subscription.pastDue",
    /// `subscriptionItem.updated`
    SubscriptionItemUpdated(SubscriptionItemEvent) = "subscriptionItem.updated",
    /// `subscriptionItem.active`
    SubscriptionItemActive(SubscriptionItemEvent) = "subscriptionItem.active",
    /// `subscriptionItem.canceled`
    SubscriptionItemCanceled(SubscriptionItemEvent) = "subscriptionItem.canceled",
    /// `subscriptionItem.upcoming`
    SubscriptionItemUpcoming(SubscriptionItemEvent) = "subscriptionItem.upcoming",
    /// `subscriptionItem.ended`
    SubscriptionItemEnded(SubscriptionItemEvent) = "subscriptionItem.ended",
    /// `subscriptionItem.abandoned`
    SubscriptionItemAbandoned(SubscriptionItemEvent) = "subscriptionItem.abandoned",
    /// `subscriptionItem.incomplete`
    SubscriptionItemIncomplete(SubscriptionItemEvent) = "subscriptionItem.incomplete",
    /// `subscriptionItem.pastDue`
    SubscriptionItemPastDue(SubscriptionItemEvent) = "subscriptionItem.pastDue",
    /// `subscriptionItem.freeTrialEnding`
    SubscriptionItemFreeTrialEnding(SubscriptionItemEvent) = "subscriptionItem.freeTrialEnding",
    /// `paymentAttempt.created`
    PaymentAttemptCreated(PaymentAttemptEvent) = "paymentAttempt.created",
    /// `paymentAttempt.updated`
    PaymentAttemptUpdated(PaymentAttemptEvent) = "paymentAttempt.updated",
}

impl EventType {
    /// Every event type this version models, in the order of [`ClerkEvent`].
    ///
    /// ```
    /// assert_eq!(clerk_core::EventType::all().len(), 45);
    /// ```
    #[must_use]
    pub fn all() -> Vec<EventType> {
        ALL_WIRE_NAMES.iter().map(|s| EventType::from(*s)).collect()
    }
}

/// Where an event came from, when Clerk says (`event_attributes`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct EventAttributes {
    /// The HTTP request that caused the event.
    pub http_request: Option<HttpRequestAttributes>,
}

/// The HTTP request behind an event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(default)]
#[non_exhaustive]
pub struct HttpRequestAttributes {
    /// The client's IP address.
    pub client_ip: String,
    /// The client's `User-Agent`.
    pub user_agent: String,
}

/// The envelope of every Clerk webhook delivery. Parsing it never fails on an event type this
/// version does not know; [`typed`](Self::typed) then parses `data` into its model.
///
/// ```
/// use clerk_core::{EventType, WebhookEvent};
///
/// let event: WebhookEvent = serde_json::from_str(
///     r#"{"type":"user.teleported","object":"event","timestamp":1654012591835,
///         "instance_id":"ins_1","data":{"id":"user_1"}}"#,
/// )?;
/// assert_eq!(event.event_type, EventType::Unknown("user.teleported".into()));
/// assert_eq!(event.timestamp, 1_654_012_591_835);
/// assert_eq!(event.data["id"], "user_1");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[non_exhaustive]
pub struct WebhookEvent {
    /// The event type, e.g. `user.created`.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// Always `"event"`.
    #[serde(default)]
    pub object: String,
    /// When the event happened, as Clerk sends it: Unix milliseconds in real deliveries, while
    /// the examples of Clerk's event catalogue show seconds. Not converted. (The attempt time is
    /// [`DeliveryMeta::attempt_unix_secs`](super::DeliveryMeta::attempt_unix_secs).)
    #[serde(default)]
    pub timestamp: i64,
    /// The Clerk instance, e.g. `ins_...`.
    #[serde(default)]
    pub instance_id: String,
    /// Where the event came from, when Clerk says.
    #[serde(default)]
    pub event_attributes: Option<EventAttributes>,
    /// The event's object, raw.
    #[serde(default)]
    pub data: Value,
}

impl WebhookEvent {
    /// Parses `data` into the model of the event's type. Unknown types give
    /// [`ClerkEvent::Other`], never an error.
    ///
    /// # Errors
    ///
    /// [`WebhookErrorKind::InvalidPayload`] when `data` does not fit the model of a known type
    /// (a field of the wrong JSON type; absent fields take defaults).
    ///
    /// ```
    /// use clerk_core::{ClerkEvent, WebhookEvent};
    ///
    /// let event: WebhookEvent = serde_json::from_str(
    ///     r#"{"type":"user.created","data":{"id":"user_1","first_name":"Ada"}}"#,
    /// )?;
    /// let ClerkEvent::UserCreated(user) = event.typed()? else { unreachable!() };
    /// assert_eq!(user.first_name.as_deref(), Some("Ada"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn typed(&self) -> Result<ClerkEvent, WebhookError> {
        ClerkEvent::from_data(&self.event_type, &self.data)
    }

    /// Parses `data` into a type of your choosing.
    ///
    /// # Errors
    ///
    /// [`WebhookErrorKind::InvalidPayload`] when `data` does not fit `T`.
    ///
    /// ```
    /// use clerk_core::WebhookEvent;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct JustTheId {
    ///     id: String,
    /// }
    ///
    /// let event: WebhookEvent = serde_json::from_str(r#"{"type":"user.created","data":{"id":"user_1"}}"#)?;
    /// assert_eq!(event.data_as::<JustTheId>()?.id, "user_1");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, WebhookError> {
        parse_data(&self.event_type, &self.data)
    }
}

fn parse_data<T: DeserializeOwned>(
    event_type: &EventType,
    data: &Value,
) -> Result<T, WebhookError> {
    // serde's message could quote a value of the body, so only the event type is named.
    T::deserialize(data).map_err(|_| {
        WebhookError::new(
            WebhookErrorKind::InvalidPayload,
            format!("the data of the {event_type} event does not fit its model"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_and_maps_to_its_variant() {
        let all = EventType::all();
        assert_eq!(all.len(), 45);
        for t in &all {
            assert!(!matches!(t, EventType::Unknown(_)), "{t}");
            let e = ClerkEvent::from_data(t, &Value::Object(Default::default())).unwrap();
            assert_eq!(e.event_type(), t.as_str());
            assert!(!matches!(e, ClerkEvent::Other { .. }));
        }
        let mut names: Vec<&str> = ALL_WIRE_NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 45);
    }

    #[test]
    fn unknown_type_is_other_with_its_data() {
        let e: WebhookEvent =
            serde_json::from_str(r#"{"type":"billing.refunded","data":{"x":[1]}}"#).unwrap();
        assert_eq!(e.object, "");
        assert_eq!(e.event_attributes, None);
        match e.typed().unwrap() {
            ClerkEvent::Other { event_type, data } => {
                assert_eq!(event_type, "billing.refunded");
                assert_eq!(data["x"][0], 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn wrong_shape_is_invalid_payload_without_quoting_it() {
        let e: WebhookEvent =
            serde_json::from_str(r#"{"type":"user.created","data":{"id":["SECRETVALUE"]}}"#)
                .unwrap();
        let err = e.typed().unwrap_err();
        assert_eq!(err.kind(), WebhookErrorKind::InvalidPayload);
        assert!(err.to_string().contains("user.created"), "{err}");
        assert!(!err.to_string().contains("SECRETVALUE"), "{err}");
    }

    #[test]
    fn envelope_requires_a_type() {
        assert!(serde_json::from_str::<WebhookEvent>(r#"{"data":{}}"#).is_err());
    }
}
