-- Seeds :orders orders for merchant :'merchant', each with two lines, one shipment and its tracking
-- events (delivered, but for the latest 5% still in transit: at most 5,000, the last three and a half
-- days, as at 100,000 orders, placed one a minute), a delivery promise, and the fulfilment
-- location and carrier service they use, and the feed's events of it all: the same shapes the API
-- writes, consistent with the status roll-up, so the promise engine learns transit from 100k
-- real-looking shipments.
-- Ids are md5-derived from the sequence number so that load scripts can name them. Idempotent.
BEGIN;
SELECT least(:orders / 20, 5000) AS in_transit \gset
INSERT INTO fulfilment_locations (merchant_id, code, name, country, region, time_zone, cutoff_minutes, handling_days, working_days, holidays)
VALUES (:'merchant', 'WH-1', 'Bucharest warehouse', 'RO', 'B', 'Europe/Bucharest', 840, 1,
        '{mon,tue,wed,thu,fri}', '{2026-12-25,2026-12-26,2027-01-01}')
ON CONFLICT DO NOTHING;
INSERT INTO carrier_services (merchant_id, carrier, service_level, pickup_days, delivery_days, baseline_transit)
VALUES (:'merchant', 'dhl', 'standard', '{mon,tue,wed,thu,fri}', '{mon,tue,wed,thu,fri,sat}',
        '[{"country": "RO", "min_days": 1, "max_days": 3}]')
ON CONFLICT DO NOTHING;

INSERT INTO orders (merchant_id, id, order_number, status, channel_type, channel_name, customer_email, customer_name,
                    destination, destination_postal_code, placed_at, currency, metadata, created_at, updated_at)
SELECT :'merchant', md5('order' || n)::uuid, 'BENCH-' || n, CASE WHEN n <= :in_transit THEN 'in_transit' ELSE 'delivered' END, 'web', NULL,
       'customer' || (n % 20000) || '@example.com', 'Customer ' || n,
       jsonb_build_object('line1', n || ' Main Street', 'city', 'Bucharest', 'postal_code', '0100' || (n % 90 + 10), 'country', 'RO',
                          'region', (ARRAY['B', 'CJ', 'IS', 'TM', 'CT', 'BV', 'DJ'])[n % 7 + 1]),
       '0100' || (n % 90 + 10), now() - (n || ' minutes')::interval, 'EUR', '{"source": "benchmark"}',
       now() - (n || ' minutes')::interval, now() - (n || ' seconds')::interval
FROM generate_series(1, :orders) AS n
ON CONFLICT DO NOTHING;

INSERT INTO order_lines (merchant_id, order_id, sku, position, name, quantity, unit_price, category, image_url, product_url, final_sale)
SELECT :'merchant', md5('order' || n)::uuid, sku, position, name, 1 + n % 3, price, 'apparel',
       'https://shop.example.com/img/' || sku || '.jpg', 'https://shop.example.com/p/' || sku, false
FROM generate_series(1, :orders) AS n,
     (VALUES ('TEE-RED-M', 0, 'Red tee (M)', 4990), ('MUG-01', 1, 'Porch mug', 2990)) AS line (sku, position, name, price)
ON CONFLICT DO NOTHING;

-- Transit depends on the destination region (1 to 4 days), so lanes differ.
INSERT INTO shipments (merchant_id, id, order_id, carrier, service_level, tracking_number, origin_location, status,
                       shipped_at, delivered_at, created_at, updated_at)
SELECT :'merchant', md5('shipment' || n)::uuid, md5('order' || n)::uuid, 'dhl', 'standard', 'BENCH' || n, 'WH-1',
       CASE WHEN n <= :in_transit THEN 'in_transit' ELSE 'delivered' END, now() - (n || ' minutes')::interval + interval '6 hours',
       CASE WHEN n > :in_transit THEN now() - (n || ' minutes')::interval + ((1 + n % 7 % 4) * 24 + 12 || ' hours')::interval END,
       now() - (n || ' minutes')::interval + interval '2 hours', now() - (n || ' seconds')::interval
FROM generate_series(1, :orders) AS n
ON CONFLICT DO NOTHING;

INSERT INTO shipment_lines (merchant_id, shipment_id, sku, quantity)
SELECT :'merchant', md5('shipment' || n)::uuid, sku, 1 + n % 3
FROM generate_series(1, :orders) AS n, (VALUES ('TEE-RED-M'), ('MUG-01')) AS line (sku)
ON CONFLICT DO NOTHING;

INSERT INTO tracking_events (merchant_id, id, shipment_id, deduplication_key, status, carrier_status_code,
                             carrier_status_text, location, occurred_at, carrier_event_id)
SELECT :'merchant', md5('event' || n || '-' || step)::uuid, md5('shipment' || n)::uuid, 'id:bench-' || n || '-' || step,
       status, upper(status), initcap(replace(status, '_', ' ')), '{"city": "Bucharest", "country": "RO"}',
       now() - (n || ' minutes')::interval + (step * 6 || ' hours')::interval, 'bench-' || n || '-' || step
FROM generate_series(1, :orders) AS n,
     (VALUES (1, 'info_received'), (2, 'in_transit'), (3, 'in_transit')) AS scan (step, status)
ON CONFLICT DO NOTHING;

INSERT INTO tracking_events (merchant_id, id, shipment_id, deduplication_key, status, carrier_status_code,
                             carrier_status_text, location, occurred_at, carrier_event_id)
SELECT :'merchant', md5('event' || n || '-4')::uuid, md5('shipment' || n)::uuid, 'id:bench-' || n || '-4', 'delivered',
       'DL', 'Delivered', '{"city": "Cluj-Napoca", "country": "RO"}',
       now() - (n || ' minutes')::interval + ((1 + n % 7 % 4) * 24 + 12 || ' hours')::interval, 'bench-' || n || '-4'
FROM generate_series(1, :orders) AS n WHERE n > :in_transit
ON CONFLICT DO NOTHING;

-- The feed's history, as the service would have written it: each order's creation, its shipment
-- and (for the delivered) its delivery, numbered in time order. The oldest pass the feed's 30 days
-- of retention: the run ends by purging them.
INSERT INTO events (merchant_id, id, sequence, type, order_id, document_version, occurred_at, data)
SELECT :'merchant', md5('feed' || n || '-' || k)::uuid, row_number() OVER (ORDER BY at, n, k), type, md5('order' || n)::uuid, k, at, '{}'
FROM generate_series(1, :orders) AS n,
     LATERAL (VALUES (1, 'order.created', now() - (n || ' minutes')::interval),
                     (2, 'shipment.created', now() - (n || ' minutes')::interval + interval '2 hours'),
                     (3, 'order.status_changed',
                      least(now(), now() - (n || ' minutes')::interval + ((1 + n % 7 % 4) * 24 + 12 || ' hours')::interval))) AS e (k, type, at)
WHERE k < 3 OR n > :in_transit
ON CONFLICT DO NOTHING;

INSERT INTO delivery_quotes (merchant_id, id, location_code, destination, quoted_at, expires_at, options)
VALUES (:'merchant', md5('bench-quote')::uuid, 'WH-1', '{"country": "RO"}', now(), now(), '[]')
ON CONFLICT DO NOTHING;
INSERT INTO delivery_promises (merchant_id, order_id, quote_id, option_id, carrier, service_level, location_code,
                               origin_region, destination_country, destination_region, earliest, latest, confidence,
                               basis, engine_version, promised_at, forecast_start, forecast)
SELECT o.merchant_id, o.id, md5('bench-quote')::uuid, 'dhl:standard', 'dhl', 'standard', 'WH-1', 'B', 'RO',
       o.destination->>'region', o.placed_at::date + 2, o.placed_at::date + 5, 0.93, 'lane', 'promise-engine/1', o.placed_at,
       o.placed_at::date, '{0,0,0.1,0.5,0.8,0.93,1}'::float8[]
FROM orders o WHERE o.merchant_id = :'merchant' AND o.order_number LIKE 'BENCH-%'
ON CONFLICT DO NOTHING;
COMMIT;
ANALYZE;
