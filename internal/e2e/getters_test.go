package e2e

import (
	"encoding/json"
	"testing"

	"github.com/triggergen/triggergen/catalog/onedrive"
	"github.com/triggergen/triggergen/catalog/slack"
	"github.com/triggergen/triggergen/catalog/zendesk"
)

// TestPayloadGetters: the generated getters of payload pointer fields
// return the value, or the zero value when the field or the receiver is
// nil (no panic), for string, integer and boolean fields of real payloads.
func TestPayloadGetters(t *testing.T) {
	var p slack.ReceiveMessagePayload
	if err := json.Unmarshal([]byte(`{"channel":"C1","text":"hi","ts":"1","bot_id":"B42"}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.GetBotID() != "B42" || p.GetUser() != "" || p.GetTeamID() != "" {
		t.Errorf("GetBotID %q, GetUser %q, GetTeamID %q", p.GetBotID(), p.GetUser(), p.GetTeamID())
	}
	var nilMsg *slack.ReceiveMessagePayload
	if nilMsg.GetBotID() != "" || nilMsg.GetUser() != "" {
		t.Error("getters on a nil payload")
	}
	var ticket *zendesk.TicketPayload
	if ticket.GetAssigneeID() != 0 {
		t.Error("GetAssigneeID on nil")
	}
	ticket = &zendesk.TicketPayload{}
	if err := json.Unmarshal([]byte(`{"assignee_id":7}`), ticket); err != nil {
		t.Fatal(err)
	}
	if ticket.GetAssigneeID() != 7 || ticket.GetRequesterID() != 0 {
		t.Errorf("GetAssigneeID %d, GetRequesterID %d", ticket.GetAssigneeID(), ticket.GetRequesterID())
	}
	var item *onedrive.Item
	if item.GetDeleted() {
		t.Error("GetDeleted on nil")
	}
	if item = (&onedrive.Item{Deleted: new(bool)}); item.GetDeleted() {
		t.Error("GetDeleted of false")
	}
	*item.Deleted = true
	if !item.GetDeleted() {
		t.Error("GetDeleted of true")
	}
}
