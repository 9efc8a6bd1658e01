# CDN for media (S3 uploads bucket, through origin access control) and static files
# (whitenoise on the web tasks, behind the ALB).

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_response_headers_policy" "security" {
  name = "Managed-SecurityHeadersPolicy"
}

data "aws_cloudfront_origin_request_policy" "s3_cors" {
  name = "Managed-CORS-S3Origin"
}

resource "aws_cloudfront_origin_access_control" "uploads" {
  name                              = "${local.name}-uploads"
  description                       = "CloudFront reads the uploads bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_distribution" "cdn" {
  # checkov:skip=CKV_AWS_310:Both origins are already highly available (S3; an ALB over three AZs) and there is no second copy of the media to fail over to.
  # checkov:skip=CKV_AWS_374:A marketplace open to homeowners and contractors wherever they browse from; abuse is handled by the WAF rules and rate limit, not by country.
  # checkov:skip=CKV_AWS_305:The CDN serves individual static and media files; it has no index page, so a default root object would only serve a 404 on "/".
  enabled         = true
  is_ipv6_enabled = true
  comment         = "${local.name} static and media"
  aliases         = [var.cdn_domain_name]
  price_class     = "PriceClass_100"
  http_version    = "http2and3"
  web_acl_id      = aws_wafv2_web_acl.cdn.arn

  origin {
    origin_id                = "uploads"
    domain_name              = aws_s3_bucket.uploads.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.uploads.id
  }

  origin {
    origin_id   = "web"
    domain_name = var.domain_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  # Media (django-storages; AWS_S3_CUSTOM_DOMAIN points here).
  default_cache_behavior {
    target_origin_id           = "uploads"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "redirect-to-https"
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    origin_request_policy_id   = data.aws_cloudfront_origin_request_policy.s3_cors.id
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security.id
  }

  # Static files collected at image build time and served by whitenoise.
  ordered_cache_behavior {
    path_pattern               = "/static/*"
    target_origin_id           = "web"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "redirect-to-https"
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security.id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.cdn.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  logging_config {
    bucket          = aws_s3_bucket.logs.bucket_domain_name
    prefix          = "cloudfront/"
    include_cookies = false
  }
}
