environment           = "production"
aws_region            = "us-east-1"
backup_replica_region = "us-west-2"
domain_name           = "www.fairtradeworker.com"
cdn_domain_name       = "cdn.fairtradeworker.com"
route53_zone_id       = "Z0000000000000000000" # replace with the hosted zone ID
github_repository     = "fairtradeworker/fairtradeworker"
alarm_email           = "ops@fairtradeworker.com"

web_min_count         = 3
web_max_count         = 10
worker_min_count      = 2
worker_max_count      = 10
db_instance_class     = "db.r6g.large"
redis_node_type       = "cache.r7g.large"
redis_num_nodes       = 3
db_read_replica_count = 0
