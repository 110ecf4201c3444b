-- Seeds :orders orders for merchant :'merchant', each with two lines, one shipment in transit and
-- three tracking events: the same shapes the API writes, consistent with the status roll-up.
-- Ids are md5-derived from the sequence number so that load scripts can name them. Idempotent.
BEGIN;
INSERT INTO orders (merchant_id, id, order_number, status, channel_type, channel_name, customer_email, customer_name,
                    destination, destination_postal_code, placed_at, currency, metadata, created_at, updated_at)
SELECT :'merchant', md5('order' || n)::uuid, 'BENCH-' || n, 'in_transit', 'web', NULL,
       'customer' || (n % 20000) || '@example.com', 'Customer ' || n,
       jsonb_build_object('line1', n || ' Main Street', 'city', 'Bucharest', 'postal_code', '0100' || (n % 90 + 10), 'country', 'RO'),
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

INSERT INTO shipments (merchant_id, id, order_id, carrier, service_level, tracking_number, origin_location, status,
                       shipped_at, created_at, updated_at)
SELECT :'merchant', md5('shipment' || n)::uuid, md5('order' || n)::uuid, 'dhl', 'standard', 'BENCH' || n, 'WH-1',
       'in_transit', now() - (n || ' minutes')::interval + interval '6 hours',
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
COMMIT;
ANALYZE;
