package message

// XML namespaces of the Mina meddelanden contracts (v3), and the two W3C ones
// the wire form uses.
const (
	NSServiceV3        = "http://minameddelanden.gov.se/schema/Service/v3"
	NSService          = "http://minameddelanden.gov.se/schema/Service"
	NSMessageV3        = "http://minameddelanden.gov.se/schema/Message/v3"
	NSMessageV2        = "http://minameddelanden.gov.se/schema/Message/v2"
	NSMessage          = "http://minameddelanden.gov.se/schema/Message"
	NSSender           = "http://minameddelanden.gov.se/schema/Sender"
	NSOfficialMatterV3 = "http://minameddelanden.gov.se/schema/OfficialMatter/v3"
	NSNotificationV3   = "http://minameddelanden.gov.se/schema/Notification/v3"
	NSNotificationV2   = "http://minameddelanden.gov.se/schema/Notification/v2"
	NSRecipient        = "http://minameddelanden.gov.se/schema/Recipient"
	NSRecipientV3      = "http://minameddelanden.gov.se/schema/Recipient/v3"
	NSAuthority        = "http://minameddelanden.gov.se/schema/Authority"
	// NSAuthorityService is the Authority service's own namespace, that of
	// its operation wrappers (getSenders, isSenderAccepted…), apart from
	// the schema namespace NSAuthority (SPEC §2).
	NSAuthorityService = "http://minameddelanden.gov.se/Authority"
	NSDispatcher       = "http://minameddelanden.gov.se/schema/Dispatcher"
	NSCommonV3         = "http://minameddelanden.gov.se/schema/Common/v3"
	NSDSig             = "http://www.w3.org/2000/09/xmldsig#"
	NSSOAP             = "http://schemas.xmlsoap.org/soap/envelope/"
)
