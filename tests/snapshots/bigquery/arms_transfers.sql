SELECT
  *
FROM (
  SELECT
    `t18`.*
    EXCEPT (`year_right`)
  FROM (
    SELECT
      `t17`.`year`,
      `t17`.`tiv`,
      `t17`.`deals`,
      `t17`.`units`,
      `t17`.`a_exports`,
      `t9`.`year` AS `year_right`,
      `t9`.`b_imports`
    FROM (
      SELECT
        `t15`.*
        EXCEPT (`year_right`)
      FROM (
        SELECT
          `t14`.`year`,
          `t14`.`tiv`,
          `t14`.`deals`,
          `t14`.`units`,
          `t10`.`year` AS `year_right`,
          `t10`.`a_exports`
        FROM (
          SELECT
            `t12`.*
            EXCEPT (`year_right`)
          FROM (
            SELECT
              `t2`.`year`,
              `t11`.`year` AS `year_right`,
              `t11`.`tiv`,
              `t11`.`deals`,
              `t11`.`units`
            FROM `memtable_0` AS `t2`
            LEFT OUTER JOIN (
              SELECT
                `t5`.`delivery_year` AS `year`,
                SUM(`t5`.`tiv`) AS `tiv`,
                COUNT(DISTINCT `t5`.`deal_id`) AS `deals`,
                SUM(`t5`.`units`) AS `units`
              FROM (
                SELECT
                  *
                FROM `my-project`.`dyadwatch`.`arms_transfers` AS `t0`
                WHERE
                  `t0`.`source` = 'sipri'
                  AND `t0`.`delivery_year` >= 2000
                  AND `t0`.`delivery_year` <= 2023
                  AND `t0`.`supplier` = 'RUS'
                  AND `t0`.`recipient` = 'CHN'
              ) AS `t5`
              GROUP BY
                1
            ) AS `t11`
              ON `t2`.`year` = `t11`.`year`
          ) AS `t12`
        ) AS `t14`
        LEFT OUTER JOIN (
          SELECT
            `t4`.`delivery_year` AS `year`,
            SUM(`t4`.`tiv`) AS `a_exports`
          FROM (
            SELECT
              *
            FROM `my-project`.`dyadwatch`.`arms_transfers` AS `t0`
            WHERE
              `t0`.`source` = 'sipri'
              AND `t0`.`delivery_year` >= 2000
              AND `t0`.`delivery_year` <= 2023
              AND `t0`.`supplier` = 'RUS'
          ) AS `t4`
          GROUP BY
            1
        ) AS `t10`
          ON `t14`.`year` = `t10`.`year`
      ) AS `t15`
    ) AS `t17`
    LEFT OUTER JOIN (
      SELECT
        `t3`.`delivery_year` AS `year`,
        SUM(`t3`.`tiv`) AS `b_imports`
      FROM (
        SELECT
          *
        FROM `my-project`.`dyadwatch`.`arms_transfers` AS `t0`
        WHERE
          `t0`.`source` = 'sipri'
          AND `t0`.`delivery_year` >= 2000
          AND `t0`.`delivery_year` <= 2023
          AND `t0`.`recipient` = 'CHN'
      ) AS `t3`
      GROUP BY
        1
    ) AS `t9`
      ON `t17`.`year` = `t9`.`year`
  ) AS `t18`
) AS `t19`
ORDER BY
  `t19`.`year` ASC NULLS LAST
