-- User regions as data: the regions that sites' latencies and services' demand name, with a
-- label and coordinates for the services' coverage map. Not a foreign key of SiteLatency or
-- ServiceRegion: a region named there without a row here is shown as having no coordinates.

-- CreateTable
CREATE TABLE "UserRegion" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "UserRegion_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "UserRegion_name_key" ON "UserRegion"("name");

-- Every region an existing estate already names, for the ones whose place is known (the demo
-- estate's eight). Other names get no row: the map lists them as having no coordinates, and a
-- service cannot name them until a row with coordinates is added.
INSERT INTO "UserRegion" ("id", "name", "label", "latitude", "longitude", "updatedAt")
SELECT 'user-region-' || known.name, known.name, known.label, known.latitude, known.longitude, CURRENT_TIMESTAMP
FROM (VALUES
    ('us-east', 'US East (New York)', 40.71, -74.0),
    ('us-west', 'US West (San Francisco)', 37.77, -122.42),
    ('eu-west', 'Europe West (London)', 51.51, -0.13),
    ('eu-central', 'Europe Central (Frankfurt)', 50.11, 8.68),
    ('eu-north', 'Europe North (Stockholm)', 59.33, 18.07),
    ('ap-southeast', 'Asia Pacific Southeast (Singapore)', 1.35, 103.82),
    ('ap-northeast', 'Asia Pacific Northeast (Tokyo)', 35.68, 139.76),
    ('sa-east', 'South America East (São Paulo)', -23.55, -46.63)
) AS known (name, label, latitude, longitude)
WHERE known.name IN (
    SELECT "userRegion" FROM "SiteLatency"
    UNION
    SELECT "region" FROM "ServiceRegion"
);
