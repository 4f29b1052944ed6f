package fault

// NoCode is the Code of a fault that carries no applicationFault detail.
const NoCode = -1

// lastTechnicalCode ends the technical errors; application errors follow.
const lastTechnicalCode = 4999

// The error codes of the contracts that a sender meets (§5.2; SPEC §8).
const (
	CodeGeneralTechnical     = 0    // a technical error: try again later
	CodeGeneralApplication   = 5000 // an application error without a code of its own
	CodeInvalidInput         = 5001
	CodeNotAuthorised        = 5002
	CodeNoSuchData           = 5003
	CodeNotFinished          = 5004
	CodeMaximumExceeded      = 5005
	CodeSignatureInvalid     = 5006
	CodeAlreadyExists        = 5007
	CodeSignatureError       = 5012
	CodeUnsupportedMIMEType  = 5019
	CodeNotPermitted         = 5020 // "ej behörig", told from 5002 by its number alone
	CodeSenderNotValidSigner = 6009 // the sealer may not act for the sender
	CodeSignerNotParty       = 6010 // the signer is neither sender nor recipient
)
