from __future__ import annotations

import pytest

from preflight.model import Inventory

HOSTS = {"dev": {"api.hub.dev.happen.ventures", "hub.dev.happen.ventures", "clawbot.dev.happen.ventures"},
         "prod": {"api.hub.happen.ventures", "hub.happen.ventures", "clawbot.happen.ventures"}}



@pytest.mark.parametrize("name", ["dev", "prod"])
def test_one_internet_facing_alb_in_public_subnets(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    (alb,) = inventory.of_type("aws:lb/loadBalancer:LoadBalancer")
    assert alb.inputs["internal"] is False and alb.inputs["loadBalancerType"] == "application"
    assert alb.inputs["dropInvalidHeaderFields"] is True
    public = {s.id for s in inventory.of_type("aws:ec2/subnet:Subnet") if s.inputs["tags"]["tier"] == "public"}
    assert set(alb.inputs["subnets"]) == public


def test_prod_alb_has_deletion_protection_and_access_logs(prod: Inventory) -> None:
    alb = prod.named("ingress-alb")
    assert alb.inputs["enableDeletionProtection"] is True
    bucket = prod.named("ingress-logs-bucket")
    assert alb.inputs["accessLogs"] == {"bucket": bucket.outputs["bucket"], "prefix": "alb", "enabled": True}
    assert prod.named("ingress-logs-policy").urn in alb.dependencies
    block = prod.named("ingress-logs-public-access-block").inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls",
                                  "restrictPublicBuckets"))
    encryption = prod.named("ingress-logs-encryption").inputs["rules"][0]
    assert encryption["applyServerSideEncryptionByDefault"] == {"sseAlgorithm": "AES256"}


def test_elb_log_delivery_is_allowed_only_under_the_account_prefix(prod: Inventory) -> None:
    import json

    policy = json.loads(prod.named("ingress-logs-policy").inputs["policy"])
    (delivery,) = [s for s in policy["Statement"] if s["Sid"] == "ElbLogDelivery"]
    assert delivery["Principal"] == {"AWS": "arn:aws:iam::033677994240:root"}
    assert delivery["Resource"].endswith("/alb/AWSLogs/891377221201/*")
    assert any(s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
               for s in policy["Statement"])


def test_dev_alb_is_disposable(dev: Inventory) -> None:
    alb = dev.named("ingress-alb")
    assert alb.inputs["enableDeletionProtection"] is False
    assert "accessLogs" not in alb.inputs
    assert [r for r in dev.resources if r.name.startswith("ingress-logs")] == []


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_alb_security_group_is_open_to_the_world_on_80_and_443_only(request: pytest.FixtureRequest,
                                                                      name: str) -> None:
    inventory = request.getfixturevalue(name)
    group = inventory.named("ingress-alb-sg")
    ingress = [r.inputs for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
               if r.inputs["securityGroupId"] == group.id]
    assert sorted((r["fromPort"], r.get("cidrIpv4") or r.get("cidrIpv6")) for r in ingress) == [
        (80, "0.0.0.0/0"), (80, "::/0"), (443, "0.0.0.0/0"), (443, "::/0")]
    egress = [r.inputs for r in inventory.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
              if r.inputs["securityGroupId"] == group.id]
    service_groups = {inventory.named(f"{s}-sg").id: port for s, port in
                      (("hub-v2-api", 3000), ("hub-v2-web", 3000), ("clawbot", 8000))}
    assert {(r["referencedSecurityGroupId"], r["fromPort"]) for r in egress} == set(service_groups.items())
    world = [r for r in inventory.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
             if r.inputs.get("cidrIpv4") == "0.0.0.0/0" or r.inputs.get("cidrIpv6") == "::/0"]
    assert {r.inputs["securityGroupId"] for r in world} == {group.id}


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_certificate_covers_every_host_and_is_dns_validated(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    certificate = inventory.named("ingress-certificate")
    names = {certificate.inputs["domainName"], *certificate.inputs["subjectAlternativeNames"]}
    assert names == HOSTS[name]
    assert certificate.inputs["validationMethod"] == "DNS"
    records = [r for r in inventory.of_type("aws:route53/record:Record") if r.name.startswith("ingress-validation")]
    assert len(records) == 3 and all(r.inputs["type"] == "CNAME" for r in records)
    options = {o["resourceRecordName"] for o in certificate.outputs["domainValidationOptions"]}
    assert {r.inputs["name"] for r in records} == options
    validation = inventory.named("ingress-certificate-validation")
    assert sorted(validation.inputs["validationRecordFqdns"]) == sorted(r.outputs["fqdn"] for r in records)


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_https_listener_waits_for_validation_and_uses_tls13(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    https = inventory.named("ingress-https")
    validation = inventory.named("ingress-certificate-validation")
    assert https.inputs["sslPolicy"].startswith("ELBSecurityPolicy-TLS13-")
    assert https.inputs["port"] == 443 and https.inputs["protocol"] == "HTTPS"
    assert https.property_dependencies["certificateArn"] == (validation.urn,)
    assert https.inputs["defaultActions"][0]["type"] == "fixed-response"


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_http_only_redirects_to_https(request: pytest.FixtureRequest, name: str) -> None:
    http = request.getfixturevalue(name).named("ingress-http")
    assert http.inputs["port"] == 80
    assert http.inputs["defaultActions"] == [{"type": "redirect", "redirect": {
        "protocol": "HTTPS", "port": "443", "statusCode": "HTTP_301"}}]


@pytest.mark.parametrize("name", ["dev", "prod"])
def test_alias_records_point_every_host_at_the_alb(request: pytest.FixtureRequest, name: str) -> None:
    inventory = request.getfixturevalue(name)
    alb = inventory.named("ingress-alb")
    aliases = [r for r in inventory.of_type("aws:route53/record:Record") if r.name.startswith("ingress-alias")]
    assert {r.inputs["name"] for r in aliases} == HOSTS[name]
    for record in aliases:
        assert record.inputs["type"] == "A"
        assert record.inputs["aliases"][0]["name"] == alb.outputs["dnsName"]
