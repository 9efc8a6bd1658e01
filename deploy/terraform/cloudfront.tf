# CDN for static files only: whitenoise on the web tasks, behind the ALB, under /static/*.
#
# Media (the uploads bucket) deliberately have no CloudFront origin: they include private
# files (completion evidence, dispute evidence, per-user job photos), and a CDN URL would
# be unsigned. The application hands out 10-minute S3 presigned URLs instead (see s3.tf
# and deploy/README.md, "Media").

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

data "aws_cloudfront_response_headers_policy" "security" {
  name = "Managed-SecurityHeadersPolicy"
}

# Anything outside /static/* is answered 404 at the edge, so the CDN host never becomes
# a second (cached, cookie-less) front door to the application's pages.
resource "aws_cloudfront_function" "static_only" {
  name    = "${local.name}-static-only"
  runtime = "cloudfront-js-2.0"
  comment = "404 for every path outside /static/*"
  publish = true
  code    = <<-EOT
    function handler(event) {
      return { statusCode: 404, statusDescription: "Not Found" };
    }
  EOT
}

resource "aws_cloudfront_distribution" "cdn" {
  # checkov:skip=CKV_AWS_310:The only origin is the ALB, already spread over three AZs; there is no second copy of the static files to fail over to.
  # checkov:skip=CKV_AWS_374:A marketplace open to homeowners and contractors wherever they browse from; abuse is handled by the WAF rules and rate limit, not by country.
  # checkov:skip=CKV2_AWS_46:No S3 origin exists (the only origin is the ALB); the check fires because logging_config references the log bucket, which is a log destination, not an origin.
  # checkov:skip=CKV_AWS_305:The CDN serves individual static files under /static/; it has no index page, and "/" is answered 404 by the static_only function.
  enabled         = true
  is_ipv6_enabled = true
  comment         = "${local.name} static files"
  aliases         = [var.cdn_domain_name]
  price_class     = "PriceClass_100"
  http_version    = "http2and3"
  web_acl_id      = aws_wafv2_web_acl.cdn.arn

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

  # Everything that is not a static file: 404 at the edge (static_only function).
  default_cache_behavior {
    target_origin_id           = "web"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "redirect-to-https"
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = data.aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.static_only.arn
    }
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
