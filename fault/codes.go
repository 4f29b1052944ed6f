package fault

// Error codes of the contracts (§5.2; SPEC §8). Codes 0–4999 are technical
// errors, to be retried later; 5000–9999 are application errors: the input
// must change, and a retry would fail alike.
const (
	CodeGeneralTechnical     = 0    // generellt tekniskt fel
	CodeGeneralApplication   = 5000 // undefined application error
	CodeInvalidInput         = 5001
	CodeNotAuthorised        = 5002
	CodeNoSuchData           = 5003
	CodeNotFinished          = 5004
	CodeMaximumExceeded      = 5005
	CodeSignatureInvalid     = 5006
	CodeAlreadyExists        = 5007
	CodeSignatureError       = 5012
	CodeUnsupportedMIMEType  = 5019
	CodeNotPermitted         = 5020 // also "ej behörig"; §5.2 tells it from 5002 by nothing but its number
	CodeSenderNotValidSigner = 6009
	CodeSignerNotParty       = 6010 // the signer is neither sender nor recipient

	// NoCode is the Code of a fault without an error code the SDK can
	// read (see Fault).
	NoCode = -1

	// FirstApplicationCode is where application errors begin, LastCode
	// the highest code of §5.2.
	FirstApplicationCode = 5000
	LastCode             = 9999
)
