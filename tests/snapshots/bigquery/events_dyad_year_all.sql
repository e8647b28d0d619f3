SELECT
  `t3`.`p`,
  COUNT(*) AS `events`,
  SUM(
    IF(
      (
        `t3`.`goldstein` IS NOT NULL
      ) AND (
        `t3`.`w` IS NOT NULL
      ),
      `t3`.`goldstein` * `t3`.`w`,
      NULL
    )
  ) AS `g_num`,
  SUM(
    IF((
      `t3`.`goldstein` IS NOT NULL
    ) AND (
      `t3`.`w` IS NOT NULL
    ), `t3`.`w`, NULL)
  ) AS `g_den`,
  SUM(
    IF(
      (
        `t3`.`avg_tone` IS NOT NULL
      ) AND (
        `t3`.`w` IS NOT NULL
      ),
      `t3`.`avg_tone` * `t3`.`w`,
      NULL
    )
  ) AS `t_num`,
  SUM(
    IF((
      `t3`.`avg_tone` IS NOT NULL
    ) AND (
      `t3`.`w` IS NOT NULL
    ), `t3`.`w`, NULL)
  ) AS `t_den`,
  AVG(CAST(`t3`.`quad_class` = 1 AS FLOAT64)) AS `q1`,
  AVG(CAST(`t3`.`quad_class` = 2 AS FLOAT64)) AS `q2`,
  AVG(CAST(`t3`.`quad_class` = 3 AS FLOAT64)) AS `q3`,
  AVG(CAST(`t3`.`quad_class` = 4 AS FLOAT64)) AS `q4`
FROM (
  SELECT
    `t2`.`source`,
    `t2`.`event_id`,
    `t2`.`date`,
    `t2`.`actor_a`,
    `t2`.`actor_b`,
    `t2`.`cameo`,
    `t2`.`root_code`,
    `t2`.`is_root`,
    `t2`.`quad_class`,
    `t2`.`goldstein`,
    `t2`.`mentions`,
    `t2`.`sources`,
    `t2`.`articles`,
    `t2`.`avg_tone`,
    `t2`.`file`,
    DATE_TRUNC(`t2`.`date`, YEAR) AS `p`,
    CAST(1 AS FLOAT64) AS `w`
  FROM (
    SELECT
      `t1`.`event_id`,
      ARRAY_AGG(`t1`.`source` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `source`,
      ARRAY_AGG(`t1`.`date` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `date`,
      ARRAY_AGG(`t1`.`actor_a` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `actor_a`,
      ARRAY_AGG(`t1`.`actor_b` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `actor_b`,
      ARRAY_AGG(`t1`.`cameo` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `cameo`,
      ARRAY_AGG(`t1`.`root_code` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `root_code`,
      ARRAY_AGG(`t1`.`is_root` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `is_root`,
      ARRAY_AGG(`t1`.`quad_class` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `quad_class`,
      ARRAY_AGG(`t1`.`goldstein` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `goldstein`,
      ARRAY_AGG(`t1`.`mentions` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `mentions`,
      ARRAY_AGG(`t1`.`sources` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `sources`,
      ARRAY_AGG(`t1`.`articles` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `articles`,
      ARRAY_AGG(`t1`.`avg_tone` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `avg_tone`,
      ARRAY_AGG(`t1`.`file` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `file`
    FROM (
      SELECT
        *
      FROM `my-project`.`dyadwatch`.`events` AS `t0`
      WHERE
        `t0`.`is_root`
        AND (
          (
            (
              `t0`.`actor_a` = 'CHN'
            ) AND (
              `t0`.`actor_b` = 'RUS'
            )
          )
          OR (
            (
              `t0`.`actor_a` = 'RUS'
            ) AND (
              `t0`.`actor_b` = 'CHN'
            )
          )
        )
    ) AS `t1`
    GROUP BY
      1
  ) AS `t2`
) AS `t3`
GROUP BY
  1
