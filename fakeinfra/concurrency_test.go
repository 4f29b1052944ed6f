package fakeinfra_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/avsandare/mm/fakeinfra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// 64 goroutines deliver 2,000 messages, some twice: nothing is lost and
// each message is stored exactly once.
func TestConcurrentDeliveries(t *testing.T) {
	t.Parallel()
	const workers, total = 64, 2000
	infra := fakeinfra.Start(t)
	ops := infra.Operators()
	recipients := []string{alice, bob, carl}
	for k, r := range recipients {
		require.NoError(t, infra.AddRecipient(r, fakeinfra.Mailbox(ops[k%len(ops)])))
	}
	opOf := func(k int) string { return ops[k%len(recipients)%len(ops)] }
	client := infra.HTTPClient()
	leaf, err := infra.Issue(fakeinfra.DefaultSenderOrg, fakeinfra.DefaultSenderName)
	require.NoError(t, err)
	signer := leaf.Signer
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	ids := map[string]string{}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				to := recipients[k%len(recipients)]
				m := testMessage(to)
				m.Subject = fmt.Sprintf("Meddelande %d", k)
				req := sealedRequest(t, infra, signer, infra.Sender(), m)
				url := infra.OperatorURL(opOf(k))
				times := 1
				if k%10 == 0 {
					times = 2 // a retry of the same bytes
				}
				for range times {
					status, body := post(t, client, url, req)
					if !assert.Equal(t, http.StatusOK, status, string(body)) {
						return
					}
				}
				mu.Lock()
				ids[m.ID] = opOf(k)
				mu.Unlock()
			}
		}()
	}
	for k := range total {
		jobs <- k
	}
	close(jobs)
	wg.Wait()

	stored := infra.Deliveries()
	require.Len(t, stored, total)
	seen := map[string]bool{}
	for _, s := range stored {
		assert.False(t, seen[s.Message.ID], "stored twice: %s", s.Message.ID)
		seen[s.Message.ID] = true
		assert.Equal(t, ids[s.Message.ID], s.Operator)
	}
	assert.Len(t, seen, total)
	assert.Equal(t, total/10, infra.Duplicates())
	perRecipient := 0
	for _, r := range recipients {
		perRecipient += len(infra.Mailbox(r))
	}
	assert.Equal(t, total, perRecipient)
}
