environment           = "staging"
aws_region            = "us-east-1"
backup_replica_region = "us-west-2"
domain_name           = "staging.fairtradeworker.com"
cdn_domain_name       = "cdn.staging.fairtradeworker.com"
route53_zone_id       = "Z0000000000000000000" # replace with the hosted zone ID
github_repository     = "fairtradeworker/fairtradeworker"
alarm_email           = "ops@fairtradeworker.com"

# Smaller and cheaper than production, same shape.
single_nat_gateway   = true
web_min_count        = 1
web_max_count        = 3
worker_min_count     = 1
worker_max_count     = 3
db_instance_class    = "db.t4g.medium"
redis_node_type      = "cache.t4g.small"
redis_num_nodes      = 2
db_read_replica_count = 0
sentry_traces_sample_rate = 0.2
