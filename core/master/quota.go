package master

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/gomesos/mesos/core/proto/mesospb"
	"github.com/gomesos/mesos/core/proto/quotapb"
	"github.com/gomesos/mesos/core/registry"
	"github.com/gomesos/mesos/core/resources"
	"github.com/gomesos/mesos/modules/kinds/allocator"
)

// Quota (Mesos's QuotaHandler): UPDATE_QUOTA with QuotaConfigs (guarantees
// and limits, Mesos 1.9+), the deprecated SET_QUOTA and REMOVE_QUOTA with a
// QuotaRequest (its guarantee is also the limit), and /quota. A change is
// validated, persisted, and then given to the allocator as QuotaUpdated.
// Quota on nested roles is refused, as in Mesos 1.x.

// quotaStatus is GET_QUOTA and GET /quota: the configs, and each role's
// guarantees in the legacy QuotaInfo form older clients read.
func (m *Master) quotaStatus() *quotapb.QuotaStatus {
	st := &quotapb.QuotaStatus{}
	for _, role := range sortedKeys(m.quotas) {
		c := m.quotas[role]
		info := &quotapb.QuotaInfo{Role: proto.String(role)}
		for _, name := range sortedKeys(c.GetGuarantees()) {
			info.Guarantee = append(info.Guarantee, &mesospb.Resource{
				Name:   proto.String(name),
				Type:   mesospb.Value_SCALAR.Enum(),
				Scalar: proto.CloneOf(c.GetGuarantees()[name]),
			})
		}
		st.Infos = append(st.Infos, info)
		st.Configs = append(st.Configs, c)
	}
	return st
}

// isDefaultQuota: no positive guarantee and no limit, i.e. no quota at all.
func isDefaultQuota(c *quotapb.QuotaConfig) bool {
	if len(c.GetLimits()) > 0 {
		return false
	}
	for _, g := range c.GetGuarantees() {
		if g.GetValue() != 0 {
			return false
		}
	}
	return true
}

func scalarQuantities(m map[string]*mesospb.Value_Scalar) resources.Quantities {
	q := make(map[string]float64, len(m))
	for k, v := range m {
		q[k] = v.GetValue()
	}
	return resources.NewQuantities(q)
}

// overcommit reports whether the guarantees of every quota, with updates
// applied, exceed the cluster's capacity: the non-revocable scalar
// resources of every registered agent, connected or not (Mesos's check).
func (m *Master) overcommit(updates []*quotapb.QuotaConfig) (total, capacity resources.Quantities, over bool) {
	quotas := make(map[string]*quotapb.QuotaConfig, len(m.quotas)+len(updates))
	for role, c := range m.quotas {
		quotas[role] = c
	}
	for _, c := range updates {
		quotas[c.GetRole()] = c
	}
	for _, c := range quotas {
		total = total.Add(scalarQuantities(c.GetGuarantees()))
	}
	for _, a := range m.agents {
		capacity = capacity.Add(resources.ScalarQuantitiesOf(a.total.NonRevocable()))
	}
	return total, capacity, !capacity.Contains(total)
}

// updateQuota is UPDATE_QUOTA.
func (m *Master) updateQuota(ctx context.Context, configs []*quotapb.QuotaConfig, force bool) error {
	for _, c := range configs {
		if !m.whitelisted(c.GetRole()) {
			return badRequest("Invalid QuotaConfig: '%s' is not on the roles whitelist", c.GetRole())
		}
		if strings.Contains(c.GetRole(), "/") {
			return badRequest("Updating quota on nested role '%s' is not supported yet", c.GetRole())
		}
		if err := registry.ValidateQuotaConfig(c); err != nil {
			return badRequest("Invalid QuotaConfig: %v", err)
		}
	}
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	var checkErr error
	if err := m.call(ctx, func() {
		if total, capacity, over := m.overcommit(configs); over {
			if force {
				m.log.Info("using the force flag to override the quota overcommit check")
				return
			}
			checkErr = badRequest("Invalid QuotaConfig: total quota guarantees '%s' exceed cluster capacity '%s' (use 'force' flag to bypass this check)", total, capacity)
		}
	}); err != nil {
		return err
	}
	if checkErr != nil {
		return checkErr
	}
	if err := m.registrar.Apply(ctx, &registry.UpdateQuota{Configs: configs}); err != nil {
		return registryStatus(err, false)
	}
	return m.call(ctx, func() {
		for _, c := range configs {
			m.applyQuota(proto.CloneOf(c))
		}
		m.allocateSoon()
	})
}

// applyQuota records a role's new quota and tells the allocator.
func (m *Master) applyQuota(c *quotapb.QuotaConfig) {
	if isDefaultQuota(c) {
		delete(m.quotas, c.GetRole())
	} else {
		m.quotas[c.GetRole()] = c
	}
	m.queueAllocatorEvent(&allocator.Event{Kind: &allocator.Event_QuotaUpdated{QuotaUpdated: &allocator.QuotaUpdated{Config: c}}})
	m.log.Info("quota updated", "role", c.GetRole(), "guarantees", scalarQuantities(c.GetGuarantees()).String(),
		"limits", scalarQuantities(c.GetLimits()).String())
}

// setQuota is the deprecated SET_QUOTA and POST /quota.
func (m *Master) setQuota(ctx context.Context, req *quotapb.QuotaRequest) error {
	role := req.GetRole()
	if err := validateQuotaRequest(req); err != nil {
		return badRequest("Failed to validate set quota request: %v", err)
	}
	if !m.whitelisted(role) {
		return badRequest("Failed to validate set quota request: Unknown role '%s'", role)
	}
	if strings.Contains(role, "/") {
		return badRequest("Setting quota on nested role '%s' is not supported yet", role)
	}
	config := &quotapb.QuotaConfig{Role: proto.String(role), Guarantees: map[string]*mesospb.Value_Scalar{}, Limits: map[string]*mesospb.Value_Scalar{}}
	for _, r := range req.GetGuarantee() {
		config.Guarantees[r.GetName()] = &mesospb.Value_Scalar{Value: proto.Float64(r.GetScalar().GetValue())}
		config.Limits[r.GetName()] = &mesospb.Value_Scalar{Value: proto.Float64(r.GetScalar().GetValue())}
	}
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	var checkErr error
	if err := m.call(ctx, func() {
		if _, ok := m.quotas[role]; ok {
			checkErr = badRequest("Failed to validate set quota request: Cannot set quota for role '%s' which already has quota", role)
			return
		}
		if total, capacity, over := m.overcommit([]*quotapb.QuotaConfig{config}); over && !req.GetForce() {
			checkErr = conflict("Quota guarantees overcommit the cluster (use 'force' to bypass this check): Total quota guarantees '%s' exceed cluster capacity '%s'", total, capacity)
		}
	}); err != nil {
		return err
	}
	if checkErr != nil {
		return checkErr
	}
	if err := m.registrar.Apply(ctx, &registry.UpdateQuota{Configs: []*quotapb.QuotaConfig{config}}); err != nil {
		return registryStatus(err, false)
	}
	return m.call(ctx, func() {
		m.applyQuota(config)
		m.rescindForQuota(role, scalarQuantities(config.GetGuarantees()))
		m.allocateSoon()
	})
}

// validateQuotaRequest checks a SET_QUOTA request in Mesos's order and
// words (QuotaHandler::_set, quota::validation::quotaInfo): the resources
// first, then a role, at least one guarantee (an empty one is refused,
// not taken as "no quota"), and guarantees that are unreserved scalars
// without DiskInfo or RevocableInfo, each named once.
func validateQuotaRequest(req *quotapb.QuotaRequest) error {
	if _, err := resources.FromProtos(req.GetGuarantee()); err != nil {
		return fmt.Errorf("QuotaInfo with invalid resource: %w", err)
	}
	if req.Role == nil {
		return fmt.Errorf("QuotaInfo must specify a role")
	}
	if err := resources.ValidateRole(req.GetRole()); err != nil {
		return fmt.Errorf("QuotaInfo with invalid role: %w", err)
	}
	if len(req.GetGuarantee()) == 0 {
		return fmt.Errorf("QuotaInfo with empty 'guarantee'")
	}
	seen := map[string]bool{}
	for _, r := range req.GetGuarantee() {
		switch {
		// A legacy "role" other than "*" is a static reservation once
		// Mesos has upgraded the resource.
		case len(r.GetReservations()) > 0 || (r.Role != nil && r.GetRole() != "*"):
			return fmt.Errorf("QuotaInfo must not contain any ReservationInfo")
		case r.Disk != nil:
			return fmt.Errorf("QuotaInfo must not contain DiskInfo")
		case r.Revocable != nil:
			return fmt.Errorf("QuotaInfo must not contain RevocableInfo")
		case r.GetType() != mesospb.Value_SCALAR:
			return fmt.Errorf("QuotaInfo must not include non-scalar resources")
		case seen[r.GetName()]:
			return fmt.Errorf("QuotaInfo contains duplicate resource name '%s'", r.GetName())
		}
		seen[r.GetName()] = true
	}
	return nil
}

// removeQuota is the deprecated REMOVE_QUOTA (path empty) and DELETE
// /quota/<role> (path is the request's, for Mesos's messages).
func (m *Master) removeQuota(ctx context.Context, role, path string) error {
	if path != "" && !m.whitelisted(role) {
		return badRequest("Failed to validate remove quota request for path '%s': Unknown role '%s'", path, role)
	}
	m.operatorMu.Lock()
	defer m.operatorMu.Unlock()
	var checkErr error
	if err := m.call(ctx, func() {
		if _, ok := m.quotas[role]; !ok {
			if path != "" {
				checkErr = badRequest("Failed to remove quota for path '%s': Role '%s' has no quota set", path, role)
			} else {
				checkErr = badRequest("Failed to remove quota: Role '%s' has no quota set", role)
			}
		}
	}); err != nil {
		return err
	}
	if checkErr != nil {
		return checkErr
	}
	config := &quotapb.QuotaConfig{Role: proto.String(role)}
	if err := m.registrar.Apply(ctx, &registry.UpdateQuota{Configs: []*quotapb.QuotaConfig{config}}); err != nil {
		return registryStatus(err, false)
	}
	return m.call(ctx, func() {
		m.applyQuota(config)
		m.allocateSoon()
	})
}

// rescindForQuota withdraws offers so that the allocator can satisfy a new
// quota, as Mesos does: whole agents' offers at a time, until what was
// rescinded covers the guarantee and at least as many agents were visited
// as the role has active frameworks.
func (m *Master) rescindForQuota(role string, guarantee resources.Quantities) {
	frameworksInRole := 0
	for _, fw := range m.frameworks {
		if fw.active && contains(fw.roles(), role) {
			frameworksInRole++
		}
	}
	var rescinded resources.Quantities
	visited := 0
	for _, id := range sortedKeys(m.agents) {
		if rescinded.Contains(guarantee) && visited >= frameworksInRole {
			break
		}
		a := m.agents[id]
		if !a.connected() || !a.active {
			continue
		}
		any := false
		for _, oid := range sortedKeys(m.offers) {
			if o := m.offers[oid]; o.agent == a {
				rescinded = rescinded.Add(resources.ScalarQuantitiesOf(o.resources))
				m.rescindOffer(o, nil)
				any = true
			}
		}
		if any {
			visited++
		}
	}
}
