// Command customexecutor is a framework's own executor for the agent's
// tests: it speaks the v1 executor API in JSON, runs no process, reports
// TASK_RUNNING for each task (and TASK_FINISHED when the task's data says
// "finish"), echoes framework messages back, and exits after SHUTDOWN or
// once a killed task's update is acknowledged. With checkpointing it
// subscribes again after losing the agent (an agent restart). It presents
// the agent's MESOS_EXECUTOR_AUTHENTICATION_TOKEN on every call.
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/executorpb"
	"github.com/gomesos/mesos/core/proto/jsoncodec"
	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/recordio"
)

func main() {
	fmt.Println("custom executor started")
	url := "http://" + os.Getenv("MESOS_AGENT_ENDPOINT") + "/api/v1/executor"
	fwID := &mesospb.FrameworkID{Value: proto.String(os.Getenv("MESOS_FRAMEWORK_ID"))}
	execID := &mesospb.ExecutorID{Value: proto.String(os.Getenv("MESOS_EXECUTOR_ID"))}
	post := func(c *executorpb.Call) (*http.Response, error) {
		c.FrameworkId, c.ExecutorId = fwID, execID
		body, err := jsoncodec.Marshal(c)
		if err != nil {
			return nil, err
		}
		req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		// Executor authentication: the agent's token, when it gave one.
		if tok := os.Getenv("MESOS_EXECUTOR_AUTHENTICATION_TOKEN"); tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		return http.DefaultClient.Do(req)
	}
	update := func(task *mesospb.TaskID, state mesospb.TaskState) {
		id := make([]byte, 16)
		_, _ = rand.Read(id)
		resp, err := post(&executorpb.Call{
			Type: executorpb.Call_UPDATE.Enum(),
			Update: &executorpb.Call_Update{Status: &mesospb.TaskStatus{
				TaskId: task, State: state.Enum(), Source: mesospb.TaskStatus_SOURCE_EXECUTOR.Enum(), Uuid: id,
			}},
		})
		if err == nil {
			resp.Body.Close()
		}
	}
	// With checkpointing (MESOS_CHECKPOINT=1) it subscribes again when
	// the agent goes away, for up to a minute, as Mesos's executor
	// library does while the agent recovers; otherwise it exits.
	retry := os.Getenv("MESOS_CHECKPOINT") == "1"
	var lostAt time.Time
	giveUp := func(why string, err error) {
		fmt.Fprintln(os.Stderr, why, err)
		if !retry {
			os.Exit(1)
		}
		if lostAt.IsZero() {
			lostAt = time.Now()
		} else if time.Since(lostAt) > time.Minute {
			os.Exit(1)
		}
		time.Sleep(200 * time.Millisecond)
	}
	killed := false
	for {
		resp, err := post(&executorpb.Call{Type: executorpb.Call_SUBSCRIBE.Enum(), Subscribe: &executorpb.Call_Subscribe{}})
		if err == nil && resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			err = fmt.Errorf("status %s", resp.Status)
		}
		if err != nil {
			giveUp("subscribe failed:", err)
			continue
		}
		lostAt = time.Time{}
		err = serve(resp.Body, update, post, &killed)
		resp.Body.Close()
		giveUp("stream ended:", err)
	}
}

// serve handles the events of one subscription until its stream ends.
func serve(body io.Reader, update func(*mesospb.TaskID, mesospb.TaskState), post func(*executorpb.Call) (*http.Response, error), killed *bool) error {
	r := recordio.NewReader(bufio.NewReader(body), 0)
	for {
		rec, err := r.ReadRecord()
		if err != nil {
			return err
		}
		ev := &executorpb.Event{}
		if err := jsoncodec.Unmarshal(rec, ev); err != nil {
			fmt.Fprintln(os.Stderr, "bad event:", err)
			os.Exit(1)
		}
		fmt.Println("event", ev.GetType())
		switch ev.GetType() {
		case executorpb.Event_LAUNCH:
			t := ev.GetLaunch().GetTask()
			update(t.GetTaskId(), mesospb.TaskState_TASK_RUNNING)
			if string(t.GetData()) == "finish" {
				update(t.GetTaskId(), mesospb.TaskState_TASK_FINISHED)
			}
		case executorpb.Event_KILL:
			*killed = true
			update(ev.GetKill().GetTaskId(), mesospb.TaskState_TASK_KILLED)
		case executorpb.Event_ACKNOWLEDGED:
			if *killed {
				os.Exit(0)
			}
		case executorpb.Event_MESSAGE:
			resp, err := post(&executorpb.Call{Type: executorpb.Call_MESSAGE.Enum(),
				Message: &executorpb.Call_Message{Data: append([]byte("echo:"), ev.GetMessage().GetData()...)}})
			if err == nil {
				resp.Body.Close()
			}
		case executorpb.Event_SHUTDOWN:
			os.Exit(0)
		}
	}
}
