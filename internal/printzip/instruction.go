package printzip

import (
	"fmt"
	"strings"

	"dsrdesk/internal/dsr"
)

// Instruction is the print shop's instructions for a batch of the
// protected route (RULES §7), in Swedish, written into the batch as
// InstructionName: how each letter and its inner sheet are packed, and
// that the batch is never mixed with ordinary mail. The outer envelope's
// address is dsr.ProtectedForwarding, the address the manifest gives.
func Instruction(batchID string, letters int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSTRUKTION TILL TRYCKERIET – SKYDDADE PERSONUPPGIFTER\n\n")
	fmt.Fprintf(&b, "Batch: %s\nAntal brev: %d\n\n", batchID, letters)
	b.WriteString("Breven i den här batchen går till personer med skyddade personuppgifter.\n")
	b.WriteString("De vidarebefordras av Skatteverket. Blanda dem aldrig med vanlig post\n")
	b.WriteString("eller med andra batcher, och hantera dem separat hela vägen till posten.\n\n")
	b.WriteString("Gör så här för varje rad i manifest.csv, i sorteringsordning:\n\n")
	b.WriteString("1. Skriv ut brevet (kolumnen file, mappen letters/) och dess innerblad\n")
	b.WriteString("   (kolumnen inner_sheet, mappen sheets/).\n")
	b.WriteString("2. Lägg innerbladet först och brevet bakom det, i ett fönsterkuvert\n")
	b.WriteString("   (innerkuvertet), så att innerbladets personnummer och namn syns i\n")
	b.WriteString("   fönstret. Försegla innerkuvertet.\n")
	b.WriteString("3. Lägg innerkuvertet i ett ytterkuvert adresserat till Skatteverkets\n")
	b.WriteString("   vidarebefordran, adressen i manifestets adresskolumner:\n\n")
	for _, l := range dsr.ProtectedForwarding.Lines {
		b.WriteString("       " + l + "\n")
	}
	b.WriteString("\n4. Ytterkuvertet får inte visa personnummer, namn eller något annat om\n")
	b.WriteString("   mottagaren.\n\n")
	b.WriteString("Rapportera status (printed, handed_over, returned) per record_id i\n")
	b.WriteString("statusfilen som för vanliga batcher.\n")
	return strings.ReplaceAll(b.String(), "\n", "\r\n")
}
