package soap

import public "github.com/avsandare/mm/fault"

// As lets errors.As find a *fault.Fault — the type users see — in any
// error that carries a *Fault: the parser's own type stays internal, and
// every public package's errors answer for the public one.
func (f *Fault) As(target any) bool {
	p, ok := target.(**public.Fault)
	if ok {
		*p = &public.Fault{Code: f.Code, Description: f.Description, CallID: f.CallID,
			FaultCode: f.FaultCode, FaultString: f.FaultString, HTTPStatus: f.HTTPStatus}
	}
	return ok
}
