// Package mailbox is dsrdesk's adapter for the Swedish digital-mailbox
// infrastructure Mina meddelanden, run by DIGG (RULES §8).
//
// It owns two things. Client asks the Recipient service (isReachable, the
// lookup in FaR) whether people can receive digital mail from this agency,
// and delivers a message to a person's mailbox operator with the Service's
// deliverSecure, keeping the operator's transaction id as the receipt.
// Simulator is a test double of the infrastructure: a real HTTP handler,
// served by httptest in tests and by the demo, so that the product always
// talks to it over the wire, and it can be told to fail.
//
// # The wire protocol
//
// The real service is SOAP with signed XML. Ours is JSON over HTTP POST, but
// names its paths, fields and limits after the sender interface of the
// contracts, schema version 3. Identity numbers travel only in request and
// answer bodies, never in URLs, and no error message of this package, nor
// any fault the simulator answers, contains one.
//
// Recipient v3, isReachable, at /recipient/v3/isReachable:
//
//	request   senderOrgNr                        Client's sender id (below)
//	          recipientId[]                      the people, 12 digits each, 1 to 1,000
//	answer    return[]                           one ReachabilityStatus per recipientId
//	          .AccountStatus.RecipientId         whom the status is for
//	          .AccountStatus.Type                Secure with a mailbox, Not without
//	          .AccountStatus.Pending             account being opened
//	          .AccountStatus.ServiceSupplier     the mailbox operator: Name, ServiceAdress
//	          .SenderAccepted                    the person accepts mail from this sender
//
// Reachability (Reachable, Operator, Reason) is RULES §8 applied to one
// status: reachable only with a named operator, the sender accepted, the
// account not pending, and a ServiceAdress (the contract's spelling).
//
// Service v3, deliverSecure, at /service/v3/deliverSecure: the request is
// {"deliverSecure": SealedDelivery}, and Message is our Message:
//
//	SealedDelivery.SignedDelivery.Delivery
//	  .Header.Sender.Id                      the sender id (below)
//	  .Header.Sender.Name                    Client.SenderName
//	  .Header.Recipient                      Message.Recipient, 12 digits
//	  .Message[0].Header.Id                  Message.ID, the message id: a UUID, lower case
//	  .Message[0].Header.Subject             Message.Subject
//	  .Message[0].Header.Supportinfo         Text (Message.SupportText or Client.Support.Text),
//	                                         URL, PhoneNumber, EmailAdress (Client.Support)
//	  .Message[0].Header.Language            Message.Language or Client.Language, such as svSE
//	  .Message[0].Body.ContentType, .Body    Message.BodyType, Message.Body (base64 in JSON)
//	  .Message[0].Attachment[]               Message.Attachments: ContentType, Body (base64),
//	                                         Checksum (MD5 of Body, hex), Filename
//
// The answer is {"return": DeliveryResult}: Status[] (RecipientId,
// Delivered, ErrorMessage) and TransId, which becomes Receipt.TransactionID.
// Deliver is Send of one PDF with the client's defaults.
//
// A call the service refuses is a fault whose body is the contract's fault
// detail, ExceptionInformation: ErrorCode, Description, CallId.
//
// # The sender id
//
// The service knows a sender by 16 followed by the ten digits of its
// organisation number: 202100-5521 is sent as 162021005521, both as
// senderOrgNr and as Sender Id. New takes the organisation number with or
// without its dash and refuses anything else: not ten digits, a wrong Luhn
// check digit, or a third digit below 2 (a personal identity number, not a
// legal person's number). The simulator refuses a sender id of any other
// form.
//
// # Limits
//
// Client checks a message before sending it, and Simulator checks what it
// receives, with the same function (checkDelivery):
//
//   - isReachable takes at most MaxLookupRecipients (1,000) recipients per
//     call, the contract's limit as issue 9 states it; the simulator answers
//     a fault to more, as the real service does.
//     AreReachable splits a longer list into calls of at most 1,000, in
//     order, and answers in the order it was asked.
//   - A message, body and attachments together, is at most MaxMessageBytes
//     (2,000,000 bytes): DIGG's guidance on designing messages gives 2 MB
//     including attachments; we read MB as the smaller 10⁶ bytes.
//   - The body is text/plain or text/html, the two types that guidance
//     allows. Client sends a short plain-text body by default, since the
//     letter itself is the attachment.
//   - Attachments are application/pdf. dsrdesk sends only PDFs and the
//     operators take them; the contract text that lists the allowed types
//     was not available to us, so this is our restriction.
//   - The subject is 1 to MaxSubjectRunes (100) characters and a message
//     carries at most MaxAttachments (10) attachments. Neither number was
//     found in the contract text available to us: they are dsrdesk's own,
//     chosen to stay well inside what the operators display, and should be
//     checked against DIGG's technical contract ("Tekniska tjänstekontrakt").
//   - The language is written like svSE; the Supportinfo text is required.
//
// A message over the size limit is dsr.ETOOLARGE; any other broken rule is
// dsr.EINVALID; neither is sent.
//
// # The message id and idempotency
//
// Every message carries a message id chosen by the caller and kept with the
// letter; the client sends it unchanged (in lower case) on every retry, and
// so must the caller on any later attempt. The simulator stores a message
// id once: the same id with the same message (sender, recipient, subject,
// language, body and attachments) answers the first delivery's TransId and
// is counted once in Delivered (its Repeats counts the repeats); the same
// id with a different message is a 409 fault. The sender's name and
// support information do not make a message different.
//
// # Failures and retries
//
// Client retries a call that timed out (its http.Client's timeout), could
// not connect, was cut short or answered 5xx, up to Attempts times with a
// doubling Backoff; the caller's context bounds the whole. Every failure is
// dsr.EUNAVAILABLE; Transient tells the ones worth trying again later (the
// above, and a context that ended) from refusals: a 4xx fault, a status
// that is not Delivered, or an answer that could not be read. Retrying is
// safe because the message id is the same. MaybeDelivered tells the
// failures after which the service may have the message though no receipt
// came: a try timed out, was cut off or cancelled in flight, or was
// answered with a 5xx other than 503 Service Unavailable or with an answer
// that could not be read. Only a later delivery with the same message id
// settles it (a receipt, or a refusal when the service never had it), so a
// sender must not send such a letter another way meanwhile.
//
// Simulator fails on purpose for end-to-end tests: ServerErrorNext (the next
// calls of an operation answer a 5xx status), FailNext (the next deliveries
// answer 503), TimeoutNext (the next calls hang until the caller gives up),
// UnreachableAfter (a person stops accepting this sender after a number of
// calls, so a person reachable at the lookup is not at the delivery or at a
// retry), LoseAnswerNext (the next accepted deliveries are stored but
// their answers lost, as a timeout after the operator took the message)
// and SetAccount. Calls counts the calls of each operation.
//
// # What is simplified
//
// JSON instead of SOAP; no XML signatures, no Seal, no TLS client
// certificates; faults are 4xx (refusals) or 5xx (trouble) where SOAP
// answers every fault with HTTP 500, and ErrorCode carries the HTTP status,
// not the contract's codes. One address stands for every operator's
// ServiceAdress, so DeliveryResult also names the operator
// (ServiceSupplier.Name), which a real sender knows from where it posted.
// A delivery carries exactly one message. Of the lookup answer only the
// elements above are sent (not LastRegistration, LastSenderAcceptChange,
// the supplier's Id, Logo or UIAdress).
package mailbox
