package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"dsrdesk/internal/casework"
	"dsrdesk/internal/config"
	"dsrdesk/internal/demodata"
	"dsrdesk/internal/dsr"
	"dsrdesk/internal/mailbox"
)

// demoMarker marks a data folder as demo data that `demo seed` may replace.
const demoMarker = ".dsrdesk-demo"

// demoVersion changes whenever the demo data's shape does (the register
// catalogue's rules, new registers): a demo folder made by an older
// dsrdesk is then replaced rather than left unable to start.
const demoVersion = "demo data version 6"

// EnsureDemo seeds demo data in cfg.DataDir when there is none, or when the
// folder holds demo data from an older dsrdesk. It never touches a folder
// that is not demo data. It reports what it did: "seeded", "replaced" or
// "kept".
func EnsureDemo(ctx context.Context, cfg config.Config, log zerolog.Logger, now func() time.Time) (string, error) {
	marker, err := os.ReadFile(filepath.Join(cfg.DataDir, demoMarker))
	_, regErr := os.Stat(cfg.RegistersPath())
	switch {
	case errors.Is(regErr, os.ErrNotExist):
		return "seeded", SeedDemo(ctx, cfg, log, now)
	case err == nil && !strings.Contains(string(marker), demoVersion):
		log.Info().Str("data", cfg.DataDir).Msg("replacing demo data made by an older dsrdesk")
		return "replaced", SeedDemo(ctx, cfg, log, now)
	}
	return "kept", nil
}

// DemoUser is a staff sign-in of the demo.
type DemoUser struct {
	Email    string
	Password string
	Name     string
	Role     dsr.Role
}

// DemoUsers are the staff accounts the demo creates. Their passwords are
// public: they exist only in demo data.
func DemoUsers() []DemoUser {
	return []DemoUser{
		{"handlaggare@demo.dsrdesk.se", "demo-handlaggare", "Hanna Handläggare", dsr.RoleOfficer},
		{"dso@demo.dsrdesk.se", "demo-dataskydd", "Dag Dataskyddsombud", dsr.RoleDPO},
		{"tryck@demo.dsrdesk.se", "demo-tryckeriet", "Tove Tryckare", dsr.RolePrint},
		{"admin@demo.dsrdesk.se", "demo-administrator", "Arne Admin", dsr.RoleAdmin},
	}
}

// SeedDemo (re)creates demo data in cfg.DataDir: source registers with the
// fictional demo people, the mailbox simulator's accounts, a fresh case
// store with the demo staff and a few cases. It refuses to touch a folder
// that holds a case store it did not create.
func SeedDemo(ctx context.Context, cfg config.Config, log zerolog.Logger, now func() time.Time) (err error) {
	marker := filepath.Join(cfg.DataDir, demoMarker)
	if _, err := os.Stat(cfg.CaseStorePath()); err == nil {
		if _, err := os.Stat(marker); err != nil {
			return fmt.Errorf("%s holds a case store that is not demo data; refusing to replace it", cfg.DataDir)
		}
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	if err := os.WriteFile(marker, []byte("demo data: `dsrdesk demo seed` may replace this folder's contents\n"), 0o600); err != nil {
		return fmt.Errorf("mark demo folder: %w", err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(cfg.CaseStorePath() + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove old demo case store: %w", err)
		}
	}
	if err := os.Remove(cfg.CataloguePath()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove old demo catalogue: %w", err)
	}
	// The marker is written last: a seed cut short is seeded again.
	defer func() {
		if err == nil {
			err = os.WriteFile(marker, []byte("demo data: `dsrdesk demo seed` may replace this folder's contents\n"+demoVersion+"\n"), 0o600)
		}
	}()
	if err := demodata.Seed(ctx, cfg.DataDir); err != nil {
		return err
	}
	accounts := map[string]mailbox.Account{}
	for _, p := range demodata.DemoPeople() {
		if p.DigitalMailbox {
			accounts[string(p.PNR)] = mailbox.Account{Operator: "Kivra", SenderAccepted: true}
		}
	}
	if err := mailbox.SaveAccounts(cfg.MailboxAccountsPath(), accounts); err != nil {
		return err
	}

	cfg.Demo = true
	a, err := New(ctx, cfg, log, now)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, u := range DemoUsers() {
		if _, err := a.Auth.AddUser(ctx, u.Email, u.Name, u.Role, u.Password, dsr.SystemActor); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Email, err)
		}
	}
	officer := dsr.Actor{Kind: dsr.ActorStaff, ID: "demo-seed", Role: dsr.RoleOfficer}
	people := demodata.DemoPeople()
	today := dsr.Day(now())
	channels := []dsr.Channel{dsr.ChannelLetter, dsr.ChannelPhone, dsr.ChannelDesk, dsr.ChannelEService}
	// Spread receipt dates so the list shows an overdue case, one due soon
	// and fresh ones.
	ages := []int{40, 27, 12, 3, 1}
	for i, p := range people {
		if i >= len(ages) {
			break
		}
		_, _, err := a.Cases.Create(ctx, casework.Request{
			Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(p.PNR), SubjectName: p.Name,
			Channel: channels[i%len(channels)], ReceivedOn: dsr.FormatDate(today.AddDate(0, 0, -ages[i])),
		}, officer)
		if err != nil {
			return fmt.Errorf("demo case %d: %w", i+1, err)
		}
	}
	// Hanna Godmansson's god man wrote for her, with his förordnande; the
	// officer verified it, so Ivar can ask for her again with e-ID.
	var hanna, ivar demodata.DemoPerson
	for _, p := range people {
		switch p.Name {
		case "Hanna Godmansson":
			hanna = p
		case "Ivar Förvaltarsson":
			ivar = p
		}
	}
	c, _, err := a.Cases.Create(ctx, casework.Request{
		Kinds: []dsr.Kind{dsr.KindAccess}, Subject: string(hanna.PNR), Channel: dsr.ChannelLetter,
		ReceivedOn:     dsr.FormatDate(today.AddDate(0, 0, -5)),
		Representative: &dsr.Representative{Role: "god_man", Name: ivar.Name, PNR: ivar.PNR},
		Files:          []casework.File{{Purpose: dsr.AttachMandate, Filename: "forordnande-god-man.pdf", Posted: true}},
	}, officer)
	if err != nil {
		return fmt.Errorf("demo god man case: %w", err)
	}
	if _, err := a.Cases.VerifyMandate(ctx, c.ID, casework.MandateCheck{Valid: true, CoversRequest: true, From: "2016-02-10",
		DeliverToRepresentative: true, Note: "Förordnande från överförmyndaren, inkommet med brevet."}, officer); err != nil {
		return fmt.Errorf("demo god man's mandate: %w", err)
	}
	// A request to erase everything from the person with LEFI disclosures,
	// to evaluate, override and carry out on the case page.
	for _, p := range people {
		if !strings.Contains(p.Note, "LEFI") {
			continue
		}
		if _, _, err := a.Cases.Create(ctx, casework.Request{
			Kinds: []dsr.Kind{dsr.KindErasure}, Subject: string(p.PNR), SubjectName: p.Name, Channel: dsr.ChannelLetter,
			ReceivedOn: dsr.FormatDate(today.AddDate(0, 0, -2)), Change: dsr.ChangeRequest{Grounds: []string{dsr.GroundConsentWithdrawn}},
		}, officer); err != nil {
			return fmt.Errorf("demo erasure case: %w", err)
		}
	}
	return nil
}
